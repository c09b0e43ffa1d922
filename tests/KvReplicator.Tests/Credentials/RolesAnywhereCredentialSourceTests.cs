using System.Net.Http.Headers;
using System.Text;
using Amazon.Runtime;
using KvReplicator.Credentials;
using KvReplicator.Replication;
using Microsoft.Extensions.Time.Testing;

using KvReplicator.Testing.Credentials;

namespace KvReplicator.Tests.Credentials;

public sealed class RolesAnywhereCredentialSourceTests : IAsyncLifetime
{
    private const string Region = "eu-west-1";
    private static readonly DateTimeOffset s_now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(s_now);
    private readonly TestCertificateAuthority _authority = new(s_now);
    private RolesAnywhereTestServer _server = null!;

    public async Task InitializeAsync() => _server = await RolesAnywhereTestServer.StartAsync(_authority.Root, Region, _clock);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _authority.Dispose();
    }

    [Theory]
    [InlineData(TestKeyKind.Rsa, "pkcs8")]
    [InlineData(TestKeyKind.Rsa, "pkcs1")]
    [InlineData(TestKeyKind.P256, "pkcs8")]
    [InlineData(TestKeyKind.P256, "sec1")]
    [InlineData(TestKeyKind.P384, "sec1")]
    public async Task A_leaf_with_a_chain_gets_a_session_the_server_authenticated(TestKeyKind kind, string keyFormat)
    {
        TestLeaf leaf = _authority.IssueLeaf(kind, keyFormat: keyFormat);
        RolesAnywhereCredentialSource source = Source(leaf, _authority.ChainPem);

        ImmutableCredentials credentials = await source.GetCredentialsAsync();

        Assert.Empty(_server.Rejections);
        Assert.Equal(1, _server.SessionsIssued);
        Assert.Equal("ASIATESTACCESSKEY1", credentials.AccessKey);
        Assert.Equal("test-secret-access-key", credentials.SecretKey);
        Assert.Equal("test-session-token", credentials.Token);
    }

    [Fact]
    public async Task A_leaf_issued_by_the_trust_anchor_needs_no_chain()
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.P256, issuedByRoot: true);

        await Source(leaf, chainPem: null).GetCredentialsAsync();

        Assert.Empty(_server.Rejections);
        Assert.Equal(1, _server.SessionsIssued);
    }

    [Fact]
    public async Task The_server_rejects_a_leaf_whose_chain_was_not_sent()
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.P256);

        await Assert.ThrowsAsync<SecretStoreException>(() => Source(leaf, chainPem: null).GetCredentialsAsync().AsTask());

        Assert.Equal("certificate does not chain to the trust anchor", Assert.Single(_server.Rejections));
    }

    [Fact]
    public async Task The_session_expires_when_the_server_says_and_is_refreshed_before()
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.Rsa);
        RolesAnywhereCredentialSource source = Source(leaf, _authority.ChainPem);

        await source.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromMinutes(54));
        ImmutableCredentials stillFirst = await source.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromMinutes(2));
        ImmutableCredentials second = await source.GetCredentialsAsync();

        Assert.Equal("ASIATESTACCESSKEY1", stillFirst.AccessKey);
        Assert.Equal("ASIATESTACCESSKEY2", second.AccessKey);
        Assert.Equal(2, _server.SessionsIssued);
    }

    [Fact]
    public async Task A_tampered_body_is_rejected_by_the_server()
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.P256);
        RolesAnywhereCredentialSource source = Source(leaf, _authority.ChainPem, async request =>
        {
            string body = await request.Content!.ReadAsStringAsync();
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.Replace("3600", "43200", StringComparison.Ordinal)));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        });

        SecretStoreException ex = await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());

        Assert.Equal("signature does not verify with the certificate's public key", Assert.Single(_server.Rejections));
        Assert.True(ex.IsTransient);
        Assert.Equal("AccessDeniedException", ex.ErrorCode);
        Assert.Contains("roles-anywhere-native", ex.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 403", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_signed_with_a_wrong_clock_is_rejected_by_the_server()
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.P256);
        var skewedClock = new FakeTimeProvider(s_now.AddHours(-1));
        var source = new RolesAnywhereCredentialSource(
            _server.CreateClient(), CertificateVault.Reader(CertificateVault.Holding(leaf.CertificatePem, leaf.PrivateKeyPem.Reveal(), _authority.ChainPem)),
            Options(), TimeSpan.FromMinutes(5), skewedClock, new RecordingLogger<RolesAnywhereCredentialSource>());

        await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());

        Assert.Equal("request date is outside the allowed skew (wrong date)", Assert.Single(_server.Rejections));
    }

    [Fact]
    public async Task A_date_header_changed_after_signing_is_rejected_by_the_server()
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.Rsa);
        RolesAnywhereCredentialSource source = Source(leaf, _authority.ChainPem, request =>
        {
            request.Headers.Remove("X-Amz-Date");
            request.Headers.TryAddWithoutValidation("X-Amz-Date", s_now.AddMinutes(1).ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            return Task.CompletedTask;
        });

        await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());

        Assert.Equal("signature does not verify with the certificate's public key", Assert.Single(_server.Rejections));
    }

    [Fact]
    public async Task A_signature_made_with_a_key_other_than_the_certificates_is_rejected_by_the_server()
    {
        TestLeaf signer = _authority.IssueLeaf(TestKeyKind.P256);
        TestLeaf presented = _authority.IssueLeaf(TestKeyKind.P256);
        RolesAnywhereCredentialSource source = Source(signer, _authority.ChainPem, request =>
        {
            // Present another certificate of the same CA (and its serial) with the signature of the first key.
            string authorization = request.Headers.GetValues("Authorization").Single();
            string signerSerial = new System.Numerics.BigInteger(signer.Certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true).ToString();
            string presentedSerial = new System.Numerics.BigInteger(presented.Certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true).ToString();
            request.Headers.Remove("Authorization");
            request.Headers.TryAddWithoutValidation("Authorization", authorization.Replace(signerSerial, presentedSerial, StringComparison.Ordinal));
            request.Headers.Remove("X-Amz-X509");
            request.Headers.TryAddWithoutValidation("X-Amz-X509", Convert.ToBase64String(presented.Certificate.RawData));
            return Task.CompletedTask;
        });

        await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());

        Assert.Equal("signature does not verify with the certificate's public key", Assert.Single(_server.Rejections));
    }

    [Fact]
    public async Task A_key_that_does_not_match_the_certificate_fails_before_anything_is_sent()
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.P256);
        TestLeaf other = _authority.IssueLeaf(TestKeyKind.P256);
        var logger = new RecordingLogger<RolesAnywhereCredentialSource>();
        var source = new RolesAnywhereCredentialSource(
            _server.CreateClient(), CertificateVault.Reader(CertificateVault.Holding(leaf.CertificatePem, other.PrivateKeyPem.Reveal(), _authority.ChainPem)),
            Options(), TimeSpan.FromMinutes(5), _clock, logger);

        SecretStoreException ex = await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());

        Assert.Equal("InvalidCertificateMaterial", ex.ErrorCode);
        Assert.Equal(0, _server.SessionsIssued);
        Assert.Empty(_server.Rejections);
        AssertNoKeyMaterial(other.PrivateKeyPem.Reveal(), ex.ToString());
        AssertNoKeyMaterial(other.PrivateKeyPem.Reveal(), logger.AllText);
    }

    [Fact]
    public async Task A_missing_certificate_secret_is_a_transient_failure_naming_the_secret()
    {
        var source = new RolesAnywhereCredentialSource(
            _server.CreateClient(), CertificateVault.Reader(CertificateVault.Holding(null, "irrelevant", null)),
            Options(), TimeSpan.FromMinutes(5), _clock, new RecordingLogger<RolesAnywhereCredentialSource>());

        SecretStoreException ex = await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());

        Assert.True(ex.IsTransient);
        Assert.Contains("kvrep-roles-anywhere-certificate", ex.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 404", ex.Message, StringComparison.Ordinal);
    }

    internal static void AssertNoKeyMaterial(string privateKeyPem, string text)
    {
        foreach (string line in privateKeyPem.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(line => !line.StartsWith("-----", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain(line, text, StringComparison.Ordinal);
        }
    }

    private RolesAnywhereCredentialSource Source(TestLeaf leaf, string? chainPem, Func<HttpRequestMessage, Task>? tamper = null) =>
        new(
            _server.CreateClient(tamper),
            CertificateVault.Reader(CertificateVault.Holding(leaf.CertificatePem, leaf.PrivateKeyPem.Reveal(), chainPem)),
            Options(),
            TimeSpan.FromMinutes(5),
            _clock,
            new RecordingLogger<RolesAnywhereCredentialSource>());

    private RolesAnywhereOptions Options() => new()
    {
        TrustAnchorArn = "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/66666666-7777-8888-9999-000000000000",
        ProfileArn = "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/11111111-2222-3333-4444-555555555555",
        RoleArn = "arn:aws:iam::123456789012:role/kvreplicator",
        Region = Region,
        Endpoint = _server.Endpoint,
    };
}
