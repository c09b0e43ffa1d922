using KvReplicator.DependencyInjection;
using KvReplicator.KeyVault;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.DependencyInjection;

/// <summary>
/// App settings and environment variables can blank a setting but not remove it; AddKvReplicator reads a blank
/// as unset, for every options class.
/// </summary>
public sealed class EmptySettingsAreUnsetTests
{
    private static readonly Dictionary<string, string?> s_required = new()
    {
        ["KvReplicator:KeyVault:VaultUri"] = "https://contoso.vault.azure.net/",
        ["KvReplicator:SecretsManager:Region"] = "eu-west-1",
        ["KvReplicator:Ledger:ConnectionString"] = "UseDevelopmentStorage=true",
    };

    [Fact]
    public void A_blank_managed_identity_client_id_passes_validation_and_stays_unset()
    {
        using ServiceProvider services = Compose(new() { ["KvReplicator:KeyVault:ManagedIdentityClientId"] = "" });

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.Null(services.GetRequiredService<IOptions<KeyVaultOptions>>().Value.ManagedIdentityClientId);
    }

    [Fact]
    public void A_set_managed_identity_client_id_is_still_validated()
    {
        using ServiceProvider services = Compose(new() { ["KvReplicator:KeyVault:ManagedIdentityClientId"] = "not-a-guid" });

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KeyVaultOptions>>().Value);
        Assert.Contains("ManagedIdentityClientId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blank_numbers_and_strings_keep_their_defaults()
    {
        using ServiceProvider services = Compose(new()
        {
            ["KvReplicator:Reconcile:MaxConcurrency"] = "",
            ["KvReplicator:Replication:LockDuration"] = "",
            ["KvReplicator:SecretsManager:KmsKeyId"] = "",
            ["KvReplicator:Replication:RequiredTagName"] = "",
        });

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(new ReconcileOptions().MaxConcurrency, services.GetRequiredService<IOptions<ReconcileOptions>>().Value.MaxConcurrency);
        SecretsManagerOptions secretsManager = services.GetRequiredService<IOptions<SecretsManagerOptions>>().Value;
        Assert.Null(secretsManager.KmsKeyId);
        ReplicationOptions replication = services.GetRequiredService<IOptions<ReplicationOptions>>().Value;
        Assert.Equal(new ReplicationOptions().LockDuration, replication.LockDuration);
        Assert.Null(replication.RequiredTagName);
    }

    [Fact]
    public void A_list_of_blank_entries_stays_empty_and_set_entries_keep_their_place()
    {
        using ServiceProvider services = Compose(new()
        {
            ["KvReplicator:Replication:ExcludeNamePatterns:0"] = "",
            ["KvReplicator:Replication:IncludeNamePatterns:0"] = "app-*",
            ["KvReplicator:Replication:IncludeNamePatterns:1"] = "",
            ["KvReplicator:Replication:IncludeNamePatterns:2"] = "db-*",
        });

        ReplicationOptions replication = services.GetRequiredService<IOptions<ReplicationOptions>>().Value;

        Assert.Empty(replication.ExcludeNamePatterns);
        Assert.Equal(["app-*", "db-*"], replication.IncludeNamePatterns);
    }

    [Fact]
    public void A_reload_of_the_host_configuration_still_reaches_the_options()
    {
        var source = new Dictionary<string, string?>(s_required) { ["KvReplicator:Reconcile:MaxConcurrency"] = "" };
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(source).Build();
        using ServiceProvider services = new ServiceCollection().AddKvReplicator(configuration).BuildServiceProvider();
        IOptionsMonitor<ReconcileOptions> monitor = services.GetRequiredService<IOptionsMonitor<ReconcileOptions>>();
        Assert.Equal(new ReconcileOptions().MaxConcurrency, monitor.CurrentValue.MaxConcurrency);

        configuration["KvReplicator:Reconcile:MaxConcurrency"] = "9";
        configuration.Reload();

        Assert.Equal(9, monitor.CurrentValue.MaxConcurrency);
    }

    private static ServiceProvider Compose(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(s_required).AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddKvReplicator(configuration).BuildServiceProvider();
    }
}
