using Azure.Core;
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
}
