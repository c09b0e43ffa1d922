using Amazon.Runtime;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using KvReplicator.Credentials;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.IntegrationTests.SecretsManager;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Preflight;
using KvReplicator.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Preflight;

/// <summary>
/// The start-up preflight against the local cloud (the Key Vault stand-in, Azurite, moto), one broken setting per
/// test: each fails its own store's check, with the failure kind that decides the exit code and a detail naming
/// the setting; the others still pass. Where the hot path reads the same store, its failure is permanent too.
/// </summary>
public sealed class StorePreflightLocalCloudTests : IAsyncLifetime
{
    private const string Thumbprint = "KvReplicator:KeyVault:TrustedServerCertificateThumbprint";

    private LocalCloudEnvironment _cloud = null!;

    public async Task InitializeAsync() =>
        _cloud = await LocalCloudEnvironment.StartAsync(moto: await SharedEmulators.MotoAsync(), azurite: await SharedEmulators.AzuriteAsync());

    public async Task DisposeAsync() => await _cloud.DisposeAsync();

    [Fact]
    public async Task The_local_cloud_passes_every_check()
    {
        PreflightReport report = await RunAsync();

        Assert.True(report.Passed, string.Join("; ", report.Failures.Select(check => check.Detail)));
        Assert.Equal(["Key Vault", "Ledger container", "AWS credentials", "Secrets Manager"], report.Checks.Select(check => check.Store));
    }

    [Fact]
    public async Task A_wrong_tls_thumbprint_is_refused_at_once_and_every_read_is_a_permanent_failure()
    {
        var settings = new Dictionary<string, string?> { [Thumbprint] = new string('0', 64) };

        PreflightCheck keyVault = Check(await RunAsync(settings), "Key Vault");

        Assert.Equal(PreflightFailure.Refused, keyVault.Failure);
        Assert.Contains(Thumbprint, keyVault.Detail, StringComparison.Ordinal);

        // What a delivery met before: about six seconds of retries, then "unexpected AggregateException", retried for a day.
        await using ServiceProvider services = Compose(settings);
        SecretStoreException read = await Assert.ThrowsAsync<SecretStoreException>(() => services.GetRequiredService<ISecretSource>().ReadLatestAsync("db-password"));
        Assert.False(read.IsTransient);
        Assert.Equal("TlsTrust", read.ErrorCode);
    }

    [Fact]
    public async Task The_challenge_verification_left_on_for_the_stand_in_is_refused_and_reads_fail_permanently()
    {
        var settings = new Dictionary<string, string?> { ["KvReplicator:KeyVault:DisableChallengeResourceVerification"] = "false" };

        PreflightCheck keyVault = Check(await RunAsync(settings), "Key Vault");

        Assert.Equal(PreflightFailure.Refused, keyVault.Failure);
        Assert.Contains("KvReplicator:KeyVault:DisableChallengeResourceVerification", keyVault.Detail, StringComparison.Ordinal);
        await using ServiceProvider services = Compose(settings);
        SecretStoreException read = await Assert.ThrowsAsync<SecretStoreException>(() => services.GetRequiredService<ISecretSource>().ReadLatestAsync("db-password"));
        Assert.False(read.IsTransient);
        Assert.Equal("ChallengeRefused", read.ErrorCode);
    }

    [Fact]
    public async Task A_vault_uri_where_no_vault_answers_is_refused_naming_the_uri()
    {
        PreflightCheck keyVault = Check(await RunAsync(new() { ["KvReplicator:KeyVault:VaultUri"] = new Uri(_cloud.KeyVault.VaultUri, "another-vault/").ToString() }), "Key Vault");

        Assert.Equal(PreflightFailure.Refused, keyVault.Failure);
        Assert.Contains("HTTP 404", keyVault.Detail, StringComparison.Ordinal);
        Assert.Contains("KvReplicator:KeyVault:VaultUri", keyVault.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vault_name_that_does_not_resolve_is_refused_naming_the_uri()
    {
        // .invalid never resolves (RFC 2606): what a mistyped vault name in a vault.azure.net address meets.
        PreflightCheck keyVault = Check(await RunAsync(new() { ["KvReplicator:KeyVault:VaultUri"] = "https://kvrep-no-such-vault.invalid/" }), "Key Vault");

        Assert.Equal(PreflightFailure.Refused, keyVault.Failure);
        Assert.Contains("does not resolve", keyVault.Detail, StringComparison.Ordinal);
        Assert.Contains("KvReplicator:KeyVault:VaultUri", keyVault.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_vault_is_unavailable_after_one_attempt()
    {
        PreflightCheck keyVault = Check(await RunAsync(new() { ["KvReplicator:KeyVault:VaultUri"] = $"https://127.0.0.1:{ClosedPort()}/" }), "Key Vault");

        Assert.Equal(PreflightFailure.Unavailable, keyVault.Failure);
        Assert.Contains("no response", keyVault.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_the_vault_does_not_accept_is_refused()
    {
        await using LocalKeyVault strict = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { ExpectedAccessToken = "only-this-token" });

        PreflightCheck keyVault = Check(await RunAsync(new()
        {
            ["KvReplicator:KeyVault:VaultUri"] = strict.VaultUri.ToString(),
            [Thumbprint] = strict.CertificateThumbprintSha256,
        }), "Key Vault");

        Assert.Equal(PreflightFailure.Refused, keyVault.Failure);
        Assert.Contains("HTTP 401", keyVault.Detail, StringComparison.Ordinal);
        Assert.Contains("KvReplicator:AzureCredential:Source", keyVault.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_ledger_account_is_unavailable()
    {
        string connectionString = $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};BlobEndpoint=http://127.0.0.1:{ClosedPort()}/{AzuriteServer.AccountName};";

        PreflightCheck ledger = Check(await RunAsync(new() { ["KvReplicator:Ledger:ConnectionString"] = connectionString }), "Ledger container");

        Assert.Equal(PreflightFailure.Unavailable, ledger.Failure);
        Assert.Contains("KvReplicator:Ledger:ServiceUri or ConnectionString", ledger.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteServer.AccountKey, ledger.Detail + ledger.Target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_account_key_for_the_ledger_is_refused()
    {
        AzuriteServer azurite = await SharedEmulators.AzuriteAsync();
        string wrongKey = Convert.ToBase64String(new byte[64]);
        string connectionString = $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={wrongKey};BlobEndpoint={azurite.BlobEndpoint};";

        PreflightCheck ledger = Check(await RunAsync(new() { ["KvReplicator:Ledger:ConnectionString"] = connectionString }), "Ledger container");

        Assert.Equal(PreflightFailure.Refused, ledger.Failure);
        Assert.Contains("HTTP 403", ledger.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ledger_container_the_identity_may_not_list_is_refused_naming_the_role()
    {
        AzuriteServer azurite = await SharedEmulators.AzuriteAsync();
        string container = SharedEmulators.UniqueName("ledger-perm");
        var owner = new BlobContainerClient(azurite.ConnectionString, container);
        await owner.CreateIfNotExistsAsync();
        var readOnly = new BlobSasBuilder(BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1)) { BlobContainerName = container };
        string sas = readOnly.ToSasQueryParameters(new StorageSharedKeyCredential(AzuriteServer.AccountName, AzuriteServer.AccountKey)).ToString();

        PreflightCheck ledger = Check(await RunAsync(new()
        {
            ["KvReplicator:Ledger:ConnectionString"] = $"BlobEndpoint={azurite.BlobEndpoint};SharedAccessSignature={sas}",
            ["KvReplicator:Ledger:ContainerName"] = container,
        }), "Ledger container");

        Assert.Equal(PreflightFailure.Refused, ledger.Failure);
        Assert.Contains("Storage Blob Data Contributor", ledger.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", ledger.Detail + ledger.Target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_aws_does_not_know_are_refused_by_secrets_manager()
    {
        await using MotoServer checking = await MotoServer.StartAsync(checkSignaturesAfter: 0);

        PreflightReport report = await RunAsync(
            new() { ["KvReplicator:SecretsManager:ServiceUrl"] = checking.Endpoint.ToString() },
            new AwsSdkCredentialSource(new BasicAWSCredentials("AKIAUNKNOWNKEY000000", "unknown-secret"), "static-test"));

        Assert.Equal(PreflightStatus.Passed, Check(report, "AWS credentials").Status);
        PreflightCheck secretsManager = Check(report, "Secrets Manager");
        Assert.Equal(PreflightFailure.Refused, secretsManager.Failure);
        Assert.Contains("InvalidClientTokenId", secretsManager.Detail, StringComparison.Ordinal);
        Assert.Contains("AWS does not accept these credentials", secretsManager.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_that_may_not_list_secrets_is_refused_naming_the_permission()
    {
        await using MotoServer checking = await MotoServer.StartAsync(checkSignaturesAfter: MotoIam.CallsPerUser);
        (string accessKeyId, string secretAccessKey) = await MotoIam.CreateUserWithKeyAsync(checking.Endpoint, "secretsmanager:GetSecretValue");

        PreflightCheck secretsManager = Check(await RunAsync(
            new() { ["KvReplicator:SecretsManager:ServiceUrl"] = checking.Endpoint.ToString() },
            new AwsSdkCredentialSource(new BasicAWSCredentials(accessKeyId, secretAccessKey), "static-test")), "Secrets Manager");

        Assert.Equal(PreflightFailure.Refused, secretsManager.Failure);
        Assert.Contains("secretsmanager:ListSecrets", secretsManager.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(secretAccessKey, secretsManager.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credential_source_that_cannot_reach_sts_fails_and_secrets_manager_is_not_asked()
    {
        var settings = new Dictionary<string, string?>(LocalDeployment.WebIdentitySettings(_cloud))
        {
            ["KvReplicator:Credentials:WebIdentity:StsEndpoint"] = $"http://127.0.0.1:{ClosedPort()}/",
        };

        PreflightReport report = await RunAsync(settings, emulatorCredentials: false);

        PreflightCheck credentials = Check(report, "AWS credentials");
        Assert.Equal(PreflightFailure.Unavailable, credentials.Failure);
        Assert.Contains("KvReplicator:Credentials:Source", credentials.Detail, StringComparison.Ordinal);
        Assert.Equal(PreflightStatus.Skipped, Check(report, "Secrets Manager").Status);
    }

    [Fact]
    public async Task An_unreachable_secrets_manager_endpoint_is_unavailable_naming_the_setting()
    {
        PreflightCheck secretsManager = Check(await RunAsync(new() { ["KvReplicator:SecretsManager:ServiceUrl"] = $"http://127.0.0.1:{ClosedPort()}/" }), "Secrets Manager");

        Assert.Equal(PreflightFailure.Unavailable, secretsManager.Failure);
        Assert.Contains("KvReplicator:SecretsManager:ServiceUrl", secretsManager.Detail, StringComparison.Ordinal);
    }

    private static PreflightCheck Check(PreflightReport report, string store) => Assert.Single(report.Checks, check => check.Store == store);

    /// <summary>A loopback port nothing listens on: taken from the OS and released.</summary>
    private static int ClosedPort() => FreePort.Next();

    private async Task<PreflightReport> RunAsync(Dictionary<string, string?>? settings = null, ICredentialSource? awsCredentials = null, bool emulatorCredentials = true)
    {
        await using ServiceProvider services = Compose(settings ?? [], awsCredentials, emulatorCredentials);
        return await services.GetRequiredService<StorePreflight>().RunAsync();
    }

    private ServiceProvider Compose(Dictionary<string, string?> settings, ICredentialSource? awsCredentials = null, bool emulatorCredentials = true)
    {
        IConfiguration configuration = _cloud.ReplicatorConfiguration(SharedEmulators.UniqueName("preflight") + "/", SharedEmulators.UniqueName("ledger"), settings);
        var services = new ServiceCollection();
        if (awsCredentials is not null)
        {
            services.AddSingleton(awsCredentials);
        }

        _cloud.AddReplicator(services, configuration, emulatorCredentials && awsCredentials is null);
        return services.BuildServiceProvider();
    }
}
