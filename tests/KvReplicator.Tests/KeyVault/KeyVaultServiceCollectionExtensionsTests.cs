using KvReplicator.KeyVault;
using KvReplicator.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.KeyVault;

public sealed class KeyVaultServiceCollectionExtensionsTests
{
    [Fact]
    public void Invalid_configuration_fails_with_the_key_to_fix()
    {
        var services = new ServiceCollection();
        services.AddKeyVaultSource(Configuration(new() { ["KvReplicator:KeyVault:VaultUri"] = "http://contoso.vault.azure.net/" }));
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ISecretSource>());

        Assert.Contains("KvReplicator:KeyVault:VaultUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_configuration_fails_the_start_up_validation_the_host_runs()
    {
        var services = new ServiceCollection();
        services.AddKeyVaultSource(Configuration(new() { ["KvReplicator:KeyVault:VaultName"] = "named-but-no-uri" }));
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("KvReplicator:KeyVault:VaultUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_configuration_gives_a_source_named_after_the_vault_host()
    {
        var services = new ServiceCollection();
        services.AddKeyVaultSource(Configuration(new() { ["KvReplicator:KeyVault:VaultUri"] = "https://contoso-prod.vault.azure.net/" }));
        using ServiceProvider provider = services.BuildServiceProvider();

        ISecretSource source = provider.GetRequiredService<ISecretSource>();

        Assert.IsType<KeyVaultSecretSource>(source);
        Assert.Equal("contoso-prod", source.VaultName);
        Assert.Same(source, provider.GetRequiredService<KeyVaultSecretSource>());
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
