using Azure.Core;
using Azure.Core.Pipeline;
using KvReplicator.IntegrationTests.Fakes;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.KeyVault;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.KeyVault;

/// <summary>The DI wiring reaches the stand-in through configuration alone: pinned TLS, relaxed challenge, injected credential.</summary>
public sealed class KeyVaultServiceCollectionExtensionsTests
{
    [Fact]
    public async Task A_configured_source_reads_from_the_stand_in_with_the_pinned_certificate_and_the_registered_credential()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { VaultName = "divault", ExpectedAccessToken = "di-token" });
        KeyVaultSecret set = await vault.CreateSecretClient(new LocalKeyVaultCredential("di-token")).SetSecretAsync("wired", "value");
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KvReplicator:KeyVault:VaultUri"] = vault.VaultUri.AbsoluteUri,
            ["KvReplicator:KeyVault:VaultName"] = "divault",
            ["KvReplicator:KeyVault:DisableChallengeResourceVerification"] = "true",
            ["KvReplicator:KeyVault:TrustedServerCertificateThumbprint"] = vault.CertificateThumbprintSha256,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TokenCredential>(new LocalKeyVaultCredential("di-token"));
        services.AddKeyVaultSource(configuration);
        await using ServiceProvider provider = services.BuildServiceProvider();

        ISecretSource source = provider.GetRequiredService<ISecretSource>();
        SourceReadResult read = await source.ReadVersionAsync("wired", set.Properties.Version);

        Assert.Equal("divault", source.VaultName);
        Assert.Equal("value", read.Secret?.Value.Reveal());
    }

    [Fact]
    public async Task A_registered_pipeline_policy_sees_the_requests_of_the_source()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { VaultName = "policyvault", ExpectedAccessToken = "policy-token" });
        KeyVaultSecret set = await vault.CreateSecretClient(new LocalKeyVaultCredential("policy-token")).SetSecretAsync("observed", "value");
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KvReplicator:KeyVault:VaultUri"] = vault.VaultUri.AbsoluteUri,
            ["KvReplicator:KeyVault:VaultName"] = "policyvault",
            ["KvReplicator:KeyVault:DisableChallengeResourceVerification"] = "true",
            ["KvReplicator:KeyVault:TrustedServerCertificateThumbprint"] = vault.CertificateThumbprintSha256,
        }).Build();
        var policy = new RecordingPipelinePolicy();
        var services = new ServiceCollection();
        services.AddSingleton<TokenCredential>(new LocalKeyVaultCredential("policy-token"));
        services.AddSingleton<HttpPipelinePolicy>(policy);
        services.AddKeyVaultSource(configuration);
        await using ServiceProvider provider = services.BuildServiceProvider();

        SourceReadResult read = await provider.GetRequiredService<ISecretSource>().ReadVersionAsync("observed", set.Properties.Version);

        Assert.Equal(SourceReadStatus.Found, read.Status);
        // The SDK caches Key Vault's challenge per host for the whole process, so a 401 round trip may or may not precede the read.
        Assert.Equal($"GET /secrets/observed/{set.Properties.Version}", Assert.Single(policy.Requests.Distinct()));
    }
}
