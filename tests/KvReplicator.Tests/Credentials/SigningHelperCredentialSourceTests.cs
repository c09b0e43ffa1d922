using KvReplicator.Credentials;
using KvReplicator.Replication;
using Microsoft.Extensions.Time.Testing;

using KvReplicator.Testing.Credentials;

namespace KvReplicator.Tests.Credentials;

/// <summary>The signing-helper source against fake <c>aws_signing_helper</c> scripts and a Moq'd Key Vault.</summary>
public sealed class SigningHelperCredentialSourceTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(s_start);
    private readonly TestCertificateAuthority _authority = new(s_start);
    private readonly TestLeaf _leaf;
    private readonly RecordingLogger<SigningHelperCredentialSource> _logger = new();
    private readonly List<FakeSigningHelper> _helpers = [];

    public SigningHelperCredentialSourceTests() => _leaf = _authority.IssueLeaf(TestKeyKind.P256);

    [Fact]
    public async Task Valid_output_becomes_credentials_and_the_helper_gets_the_identity_and_files()
    {
        FakeSigningHelper helper = Helper(FakeSigningHelper.Printing(FakeSigningHelper.CredentialJson(s_start.AddHours(1))));

        AwsCredentials credentials = await Source(helper).GetCredentialsAsync();

        Assert.Equal("ASIAHELPER", credentials.AccessKey);
        Assert.Equal("helper-secret", credentials.SecretKey);
        Assert.Equal("helper-token", credentials.Token);
        IReadOnlyList<string> arguments = helper.Arguments;
        Assert.Equal("credential-process", arguments[0]);
        AssertArgument(arguments, "--trust-anchor-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/66666666-7777-8888-9999-000000000000");
        AssertArgument(arguments, "--profile-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/11111111-2222-3333-4444-555555555555");
        AssertArgument(arguments, "--role-arn", "arn:aws:iam::123456789012:role/kvreplicator");
        AssertArgument(arguments, "--region", "eu-west-1");
        AssertArgument(arguments, "--session-duration", "3600");
        Assert.Contains("--intermediates", arguments);
    }

    [Fact]
    public async Task An_endpoint_override_is_passed_to_the_helper()
    {
        FakeSigningHelper helper = Helper(FakeSigningHelper.Printing(FakeSigningHelper.CredentialJson(s_start.AddHours(1))));
        RolesAnywhereOptions identity = Identity();
        identity.Endpoint = new Uri("https://rolesanywhere.example.internal/");
        var source = new SigningHelperCredentialSource(
            CertificateVault.Reader(CertificateVault.Holding(_leaf.CertificatePem, _leaf.PrivateKeyPem.Reveal(), null)),
            identity,
            new SigningHelperOptions { Path = helper.Path },
            TimeSpan.FromMinutes(5),
            _clock,
            _logger);

        await source.GetCredentialsAsync();

        AssertArgument(helper.Arguments, "--endpoint", "https://rolesanywhere.example.internal");
    }

    [Fact]
    public async Task Key_files_are_private_while_the_helper_runs_and_gone_after()
    {
        FakeSigningHelper helper = Helper(FakeSigningHelper.Printing(FakeSigningHelper.CredentialJson(s_start.AddHours(1))));

        await Source(helper).GetCredentialsAsync();

        AssertPrivateWhileRunningAndGoneAfter(helper, expectedFiles: 3);
    }

    [Fact]
    public async Task Without_a_chain_secret_no_intermediates_are_passed()
    {
        FakeSigningHelper helper = Helper(FakeSigningHelper.Printing(FakeSigningHelper.CredentialJson(s_start.AddHours(1))));

        await Source(helper, chainPem: null).GetCredentialsAsync();

        Assert.DoesNotContain("--intermediates", helper.Arguments);
        AssertPrivateWhileRunningAndGoneAfter(helper, expectedFiles: 2);
    }

    [Fact]
    public async Task Fifty_concurrent_callers_trigger_one_helper_run()
    {
        FakeSigningHelper helper = Helper(FakeSigningHelper.Printing(FakeSigningHelper.CredentialJson(s_start.AddHours(1))));
        SigningHelperCredentialSource source = Source(helper);

        AwsCredentials[] results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => source.GetCredentialsAsync().AsTask())));

        Assert.Equal(1, helper.Runs);
        Assert.All(results, credentials => Assert.Equal("ASIAHELPER", credentials.AccessKey));
    }

    [Fact]
    public async Task The_helper_runs_again_before_the_credentials_expire()
    {
        FakeSigningHelper helper = Helper(FakeSigningHelper.Printing(FakeSigningHelper.CredentialJson(s_start.AddHours(2))));
        SigningHelperCredentialSource source = Source(helper);
        await source.GetCredentialsAsync();

        _clock.Advance(TimeSpan.FromMinutes(114));
        await source.GetCredentialsAsync();
        Assert.Equal(1, helper.Runs);
        _clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await source.GetCredentialsAsync();

        Assert.Equal(2, helper.Runs);
    }

    [Fact]
    public async Task Expired_output_is_a_transient_failure_and_the_files_are_gone()
    {
        FakeSigningHelper helper = Helper(FakeSigningHelper.Printing(FakeSigningHelper.CredentialJson(s_start.AddMinutes(-1))));

        SecretStoreException ex = await FailsAsync(Source(helper));

        Assert.Equal("ExpiredCredentials", ex.ErrorCode);
        Assert.Contains("expired", ex.Message, StringComparison.Ordinal);
        AssertPrivateWhileRunningAndGoneAfter(helper, expectedFiles: 3);
    }

    [Theory]
    [InlineData("this is not json", "not valid credential_process JSON")]
    [InlineData("""{"Version":2,"AccessKeyId":"a","SecretAccessKey":"b","SessionToken":"c","Expiration":"2026-06-01T13:00:00Z"}""", "Version 2")]
    [InlineData("""{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b","Expiration":"2026-06-01T13:00:00Z"}""", "no SessionToken")]
    [InlineData("""{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b","SessionToken":"c"}""", "no Expiration")]
    [InlineData("", "not valid credential_process JSON")]
    public async Task Bad_output_is_a_transient_failure_naming_the_cause(string output, string cause)
    {
        FakeSigningHelper helper = Helper(FakeSigningHelper.Printing(output));

        SecretStoreException ex = await FailsAsync(Source(helper));

        Assert.Equal("InvalidHelperOutput", ex.ErrorCode);
        Assert.Contains(cause, ex.Message, StringComparison.Ordinal);
        Assert.Contains("roles-anywhere-signing-helper", ex.Message, StringComparison.Ordinal);
        AssertPrivateWhileRunningAndGoneAfter(helper, expectedFiles: 3);
    }

    [Fact]
    public async Task A_non_zero_exit_reports_a_sanitised_stderr_without_key_material()
    {
        // A misbehaving helper that prints the key it was given: the message must still not carry it.
        FakeSigningHelper helper = Helper(FakeSigningHelper.Create("""
            echo "error: could not sign with the given key" >&2
            cat "$key" >&2
            echo "trailing detail" >&2
            exit 1
            """));

        SecretStoreException ex = await FailsAsync(Source(helper));

        Assert.Equal("ExitCode1", ex.ErrorCode);
        Assert.Contains("exited with code 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("error: could not sign with the given key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[PEM removed]", ex.Message, StringComparison.Ordinal);
        RolesAnywhereCredentialSourceTests.AssertNoKeyMaterial(_leaf.PrivateKeyPem.Reveal(), ex.ToString());
        RolesAnywhereCredentialSourceTests.AssertNoKeyMaterial(_leaf.PrivateKeyPem.Reveal(), _logger.AllText);
        AssertPrivateWhileRunningAndGoneAfter(helper, expectedFiles: 3);
    }

    [Fact]
    public async Task A_hanging_helper_is_killed_with_its_children_at_the_timeout()
    {
        // `sleep` is a child of bash holding stdout open: unless the whole tree is killed, the run never ends.
        FakeSigningHelper helper = Helper(FakeSigningHelper.Create("sleep 600\n"));
        var source = new SigningHelperCredentialSource(
            CertificateVault.Reader(CertificateVault.Holding(_leaf.CertificatePem, _leaf.PrivateKeyPem.Reveal(), _authority.ChainPem)),
            Identity(),
            new SigningHelperOptions { Path = helper.Path, Timeout = TimeSpan.FromSeconds(1) },
            TimeSpan.FromMinutes(5),
            TimeProvider.System,
            _logger);

        SecretStoreException ex = await FailsAsync(source);

        Assert.Equal("Timeout", ex.ErrorCode);
        Assert.Contains("killed", ex.Message, StringComparison.Ordinal);
        AssertPrivateWhileRunningAndGoneAfter(helper, expectedFiles: 3);
    }

    [Fact]
    public async Task A_helper_that_exits_but_leaves_a_child_holding_its_output_is_killed_at_the_timeout()
    {
        // The orphan leaves the process tree when bash exits; it records its id so the test can end it.
        FakeSigningHelper helper = Helper(FakeSigningHelper.Create("sleep 600 &\necho $! > \"$report/orphan\"\nexit 0\n"));
        var source = new SigningHelperCredentialSource(
            CertificateVault.Reader(CertificateVault.Holding(_leaf.CertificatePem, _leaf.PrivateKeyPem.Reveal(), null)),
            Identity(),
            new SigningHelperOptions { Path = helper.Path, Timeout = TimeSpan.FromSeconds(1) },
            TimeSpan.FromMinutes(5),
            TimeProvider.System,
            _logger);

        try
        {
            SecretStoreException ex = await FailsAsync(source);

            Assert.Equal("Timeout", ex.ErrorCode);
            AssertPrivateWhileRunningAndGoneAfter(helper, expectedFiles: 2);
        }
        finally
        {
            helper.EndOrphan();
        }
    }

    [Fact]
    public async Task A_helper_that_cannot_be_started_is_a_transient_failure()
    {
        var source = new SigningHelperCredentialSource(
            CertificateVault.Reader(CertificateVault.Holding(_leaf.CertificatePem, _leaf.PrivateKeyPem.Reveal(), null)),
            Identity(),
            new SigningHelperOptions { Path = "/nonexistent/aws_signing_helper" },
            TimeSpan.FromMinutes(5),
            _clock,
            _logger);

        SecretStoreException ex = await FailsAsync(source);

        Assert.Equal("HelperNotStarted", ex.ErrorCode);
        Assert.Contains("/nonexistent/aws_signing_helper", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_key_never_appears_in_the_logs_of_a_successful_run()
    {
        FakeSigningHelper helper = Helper(FakeSigningHelper.Printing(FakeSigningHelper.CredentialJson(s_start.AddHours(1))));

        await Source(helper).GetCredentialsAsync();

        Assert.NotEmpty(_logger.Entries);
        RolesAnywhereCredentialSourceTests.AssertNoKeyMaterial(_leaf.PrivateKeyPem.Reveal(), _logger.AllText);
        Assert.DoesNotContain("helper-secret", _logger.AllText, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (FakeSigningHelper helper in _helpers)
        {
            helper.Dispose();
        }

        _authority.Dispose();
    }

    private static void AssertArgument(IReadOnlyList<string> arguments, string name, string value)
    {
        int index = arguments.ToList().IndexOf(name);
        Assert.True(index >= 0, $"{name} was not passed");
        Assert.Equal(value, arguments[index + 1]);
    }

    private static void AssertPrivateWhileRunningAndGoneAfter(FakeSigningHelper helper, int expectedFiles)
    {
        IReadOnlyList<string> modes = helper.Modes;
        Assert.Equal(expectedFiles + 1, modes.Count);
        Assert.StartsWith("700 ", modes[0], StringComparison.Ordinal);
        Assert.All(modes.Skip(1), line => Assert.StartsWith("600 ", line, StringComparison.Ordinal));
        Assert.All(helper.Paths, path => Assert.False(Path.Exists(path), $"{path} still exists after the run"));
    }

    private static async Task<SecretStoreException> FailsAsync(SigningHelperCredentialSource source)
    {
        SecretStoreException ex = await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());
        Assert.True(ex.IsTransient);
        return ex;
    }

    private FakeSigningHelper Helper(FakeSigningHelper helper)
    {
        _helpers.Add(helper);
        return helper;
    }

    private SigningHelperCredentialSource Source(FakeSigningHelper helper, string? chainPem = "use the authority's") =>
        new(
            CertificateVault.Reader(CertificateVault.Holding(_leaf.CertificatePem, _leaf.PrivateKeyPem.Reveal(), chainPem is null ? null : _authority.ChainPem)),
            Identity(),
            new SigningHelperOptions { Path = helper.Path, Timeout = TimeSpan.FromSeconds(30) },
            TimeSpan.FromMinutes(5),
            _clock,
            _logger);

    private static RolesAnywhereOptions Identity() => new()
    {
        TrustAnchorArn = "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/66666666-7777-8888-9999-000000000000",
        ProfileArn = "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/11111111-2222-3333-4444-555555555555",
        RoleArn = "arn:aws:iam::123456789012:role/kvreplicator",
        Region = "eu-west-1",
    };
}
