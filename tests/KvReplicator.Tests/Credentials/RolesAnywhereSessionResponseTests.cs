using System.Net;
using KvReplicator.Credentials;
using KvReplicator.Replication;
using Microsoft.Extensions.Time.Testing;

using KvReplicator.Testing.Credentials;

namespace KvReplicator.Tests.Credentials;

/// <summary>How the native source reads what CreateSession answers, with canned responses.</summary>
public sealed class RolesAnywhereSessionResponseTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(s_now);
    private readonly TestCertificateAuthority _authority = new(s_now);

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("{}", "no credentialSet[0].credentials")]
    [InlineData("""{"credentialSet":[]}""", "no credentialSet[0].credentials")]
    [InlineData("""{"credentialSet":[{"credentials":{"accessKeyId":"a","secretAccessKey":"b","expiration":"2026-06-01T13:00:00Z"}}]}""", "without 'sessionToken'")]
    [InlineData("""{"credentialSet":[{"credentials":{"accessKeyId":"a","secretAccessKey":"b","sessionToken":"c","expiration":"soon"}}]}""", "not a timestamp")]
    public async Task A_malformed_session_is_a_transient_failure_naming_what_is_missing(string body, string cause)
    {
        SecretStoreException ex = await FailsAsync(new CannedResponseHandler(HttpStatusCode.Created, body));

        Assert.Equal("InvalidResponse", ex.ErrorCode);
        Assert.Contains(cause, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_already_expired_session_is_refused()
    {
        SecretStoreException ex = await FailsAsync(new CannedResponseHandler(
            HttpStatusCode.Created,
            """{"credentialSet":[{"credentials":{"accessKeyId":"a","secretAccessKey":"b","sessionToken":"c","expiration":"2026-06-01T11:59:00Z"}}]}"""));

        Assert.Equal("ExpiredCredentials", ex.ErrorCode);
    }

    [Fact]
    public async Task An_error_response_keeps_the_aws_error_type_the_status_and_the_aws_message_as_one_line()
    {
        SecretStoreException ex = await FailsAsync(new CannedResponseHandler(
            HttpStatusCode.Forbidden,
            """{"message":"Untrusted certificate.\nInsufficient certificate","extra":"not shown"}""",
            "AccessDeniedException:http://internal.amazon.com/coral/com.amazonaws.rolesanywhere/"));

        Assert.Equal("AccessDeniedException", ex.ErrorCode);
        Assert.EndsWith("CreateSession failed with HTTP 403 (AccessDeniedException): Untrusted certificate. Insufficient certificate", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not shown", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"message":"session for ASIAIOSFODNN7EXAMPLE refused"}""")]
    [InlineData("""{"message":"echo wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}""")]
    [InlineData("""{"Message":"token FwoGZXIvYXdzEJr//////////wEaDHqa0AP1hoh4cLPsqCKsAVw9yQ0SgY4EXAMPLETOKEN"}""")]
    public async Task A_message_holding_anything_shaped_like_a_credential_is_dropped_whole(string body)
    {
        SecretStoreException ex = await FailsAsync(new CannedResponseHandler(HttpStatusCode.BadRequest, body, "ValidationException"));

        Assert.EndsWith("CreateSession failed with HTTP 400 (ValidationException)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_message_is_cut_and_a_body_that_is_not_json_adds_nothing()
    {
        SecretStoreException longOne = await FailsAsync(new CannedResponseHandler(HttpStatusCode.BadRequest, $$"""{"message":"{{new string('m', 1000)}}"}""", "ValidationException"));
        SecretStoreException html = await FailsAsync(new CannedResponseHandler(HttpStatusCode.BadGateway, "<html>upstream said no</html>"));

        Assert.EndsWith(new string('m', RolesAnywhereErrorMessage.MaxLength) + "…", longOne.Message, StringComparison.Ordinal);
        Assert.EndsWith("CreateSession failed with HTTP 502 (Http502)", html.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_without_an_error_type_is_named_by_its_status()
    {
        SecretStoreException ex = await FailsAsync(new CannedResponseHandler(HttpStatusCode.ServiceUnavailable, "busy"));

        Assert.Equal("Http503", ex.ErrorCode);
    }

    [Fact]
    public async Task An_expired_certificate_is_reported_as_such_and_nothing_is_sent()
    {
        var handler = new CannedResponseHandler(HttpStatusCode.Created, "{}");
        _clock.Advance(TimeSpan.FromDays(2 * 366));

        SecretStoreException ex = await FailsAsync(handler);

        Assert.Equal("CertificateNotCurrent", ex.ErrorCode);
        Assert.Equal(0, handler.Requests);
    }

    public void Dispose() => _authority.Dispose();

    private async Task<SecretStoreException> FailsAsync(CannedResponseHandler handler)
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.P256);
        var source = new RolesAnywhereCredentialSource(
            new HttpClient(handler),
            CertificateVault.Reader(CertificateVault.Holding(leaf.CertificatePem, leaf.PrivateKeyPem.Reveal(), _authority.ChainPem)),
            new RolesAnywhereOptions
            {
                TrustAnchorArn = "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/66666666-7777-8888-9999-000000000000",
                ProfileArn = "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/11111111-2222-3333-4444-555555555555",
                RoleArn = "arn:aws:iam::123456789012:role/kvreplicator",
                Region = "eu-west-1",
            },
            TimeSpan.FromMinutes(5),
            _clock,
            new RecordingLogger<RolesAnywhereCredentialSource>());
        SecretStoreException ex = await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());
        Assert.True(ex.IsTransient);
        Assert.Contains("roles-anywhere-native", ex.Message, StringComparison.Ordinal);
        return ex;
    }
}
