using System.Net.Http.Headers;
using System.Text;
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

        AwsCredentials credentials = await source.GetCredentialsAsync();

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
        AwsCredentials stillFirst = await source.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromMinutes(2));
        AwsCredentials second = await source.GetCredentialsAsync();

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

        // AWS's own sentence says why, after the status and the error type.
        Assert.Contains("HTTP 403 (AccessDeniedException): signature does not verify with the certificate's public key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_arns_travel_in_the_query_string_and_only_the_duration_in_the_body_as_the_signing_helper_sends_them()
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.P256);
        string? query = null;
        string? body = null;
        RolesAnywhereCredentialSource source = Source(leaf, _authority.ChainPem, async request =>
        {
            query = request.RequestUri!.Query;
            body = await request.Content!.ReadAsStringAsync();
        });

        await source.GetCredentialsAsync();

        Assert.Empty(_server.Rejections);
        Assert.Equal(
            "?profileArn=arn%3Aaws%3Arolesanywhere%3Aeu-west-1%3A123456789012%3Aprofile%2F11111111-2222-3333-4444-555555555555" +
            "&roleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fkvreplicator" +
            "&trustAnchorArn=arn%3Aaws%3Arolesanywhere%3Aeu-west-1%3A123456789012%3Atrust-anchor%2F66666666-7777-8888-9999-000000000000",
            query);
        Assert.Equal("""{"durationSeconds":3600}""", body);
    }

    [Theory]
    [InlineData("roleArn", "arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fkvreplicator", "arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fadmin")]
    [InlineData("profileArn", "profile%2F11111111", "profile%2F99999999")]
    [InlineData("trustAnchorArn", "trust-anchor%2F66666666", "trust-anchor%2F77777777")]
    public async Task An_arn_changed_in_the_query_after_signing_is_rejected_by_the_server_because_the_signature_covers_it(string name, string signed, string changed)
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.Rsa);
        RolesAnywhereCredentialSource source = Source(leaf, _authority.ChainPem, request =>
        {
            string uri = request.RequestUri!.AbsoluteUri;
            Assert.Contains(name + "=", uri, StringComparison.Ordinal);
            request.RequestUri = new Uri(uri.Replace(signed, changed, StringComparison.Ordinal));
            return Task.CompletedTask;
        });

        await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());

        Assert.Equal("signature does not verify with the certificate's public key", Assert.Single(_server.Rejections));
    }

    [Fact]
    public async Task An_endpoint_behind_a_path_prefix_is_signed_for_sessions_and_the_server_behind_it_accepts_it()
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.P256);
        string? path = null;
        var source = new RolesAnywhereCredentialSource(
            _server.CreateClient(request =>
            {
                path = request.RequestUri!.AbsolutePath;
                return Task.CompletedTask;
            }),
            CertificateVault.Reader(CertificateVault.Holding(leaf.CertificatePem, leaf.PrivateKeyPem.Reveal(), _authority.ChainPem)),
            Options(endpoint: new Uri(_server.Endpoint, "private/roles-anywhere/")),
            TimeSpan.FromMinutes(5),
            _clock,
            new RecordingLogger<RolesAnywhereCredentialSource>());

        await source.GetCredentialsAsync();

        Assert.Equal("/private/roles-anywhere/sessions", path);
        Assert.Empty(_server.Rejections);
        Assert.Equal(1, _server.SessionsIssued);
    }

    [Theory]
    [InlineData("-123456789012345678901234567890")]
    [InlineData("-1")]
    [InlineData("170141183460469231731687303715884105727")]
    public async Task A_serial_is_signed_as_the_signing_helper_prints_it_negative_ones_with_their_sign(string serial)
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.P256, serial: System.Numerics.BigInteger.Parse(serial, System.Globalization.CultureInfo.InvariantCulture));
        string? authorization = null;
        RolesAnywhereCredentialSource source = Source(leaf, _authority.ChainPem, request =>
        {
            authorization = request.Headers.GetValues("Authorization").Single();
            return Task.CompletedTask;
        });

        await source.GetCredentialsAsync();

        Assert.Contains($" Credential={serial}/", authorization, StringComparison.Ordinal);
        Assert.Empty(_server.Rejections);
        Assert.Equal(1, _server.SessionsIssued);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_malformed_chain_fails_at_once_with_a_clear_message_and_nothing_is_sent(int variant)
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.P256);
        string chainPem = _authority.ChainPem;
        (string chain, string reason) = variant switch
        {
            0 => ("not PEM at all", "unable to parse PEM data: no -----BEGIN CERTIFICATE----- block"),
            1 => (chainPem.Replace("-----END CERTIFICATE-----", string.Empty, StringComparison.Ordinal), "unable to parse PEM data: no -----BEGIN CERTIFICATE----- block"),
            2 => (chainPem + "\ntrailing words", "unable to parse PEM data after certificate 1"),
            3 => ("garbage before\n" + chainPem, "unable to parse PEM data: text that is not PEM before block 1"),
            _ => (chainPem + "\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "certificate 2 does not decode as X.509"),
        };

        SecretStoreException ex = await Assert.ThrowsAsync<SecretStoreException>(() => Source(leaf, chain).GetCredentialsAsync().AsTask());

        Assert.Equal("InvalidCertificateChain", ex.ErrorCode);
        Assert.Equal(
            $"Credential source 'roles-anywhere-native' could not get AWS credentials: Key Vault secret 'kvrep-roles-anywhere-chain' is not a chain of PEM certificates ({reason}); " +
            "store the intermediates as -----BEGIN CERTIFICATE----- blocks, the leaf's issuer first",
            ex.Message);
        Assert.Equal(0, _server.SessionsIssued);
        Assert.Empty(_server.Rejections);
    }

    [Fact]
    public async Task A_private_key_stored_as_the_chain_is_named_by_its_label_and_never_quoted()
    {
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.P256);
        string chain = _authority.ChainPem + "\n" + leaf.PrivateKeyPem.Reveal();

        SecretStoreException ex = await Assert.ThrowsAsync<SecretStoreException>(() => Source(leaf, chain).GetCredentialsAsync().AsTask());

        Assert.Contains("(block 2 is a PRIVATE KEY, not a CERTIFICATE)", ex.Message, StringComparison.Ordinal);
        AssertNoKeyMaterial(leaf.PrivateKeyPem.Reveal(), ex.ToString());
        Assert.Equal(0, _server.SessionsIssued);
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

    private RolesAnywhereOptions Options(Uri? endpoint = null) => new()
    {
        TrustAnchorArn = "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/66666666-7777-8888-9999-000000000000",
        ProfileArn = "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/11111111-2222-3333-4444-555555555555",
        RoleArn = "arn:aws:iam::123456789012:role/kvreplicator",
        Region = Region,
        Endpoint = endpoint ?? _server.Endpoint,
    };
}
