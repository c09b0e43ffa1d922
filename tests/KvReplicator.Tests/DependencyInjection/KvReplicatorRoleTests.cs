using KvReplicator.DependencyInjection;
using KvReplicator.Ledger;
using KvReplicator.Preflight;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using KvReplicator.Status;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.DependencyInjection;

/// <summary>What each role registers, validates at start and checks in its preflight.</summary>
public sealed class KvReplicatorRoleTests
{
    /// <summary>verify's settings: a vault, AWS, and no ledger at all.</summary>
    private static readonly Dictionary<string, string?> s_compareSettings = new()
    {
        ["KvReplicator:KeyVault:VaultUri"] = "https://contoso.vault.azure.net/",
        ["KvReplicator:SecretsManager:Region"] = "eu-west-1",
    };

    [Fact]
    public void Compare_needs_no_ledger_settings_and_checks_no_ledger()
    {
        using ServiceProvider services = Build(s_compareSettings, KvReplicatorRole.Compare);

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.Null(services.GetService<IReplicationLedger>());
        Assert.Null(services.GetService<SecretReplicator>());
        Assert.NotNull(services.GetRequiredService<SecretReconciler>());
        Assert.Equal(["Key Vault", "AWS credentials", "Secrets Manager"], services.GetServices<IStoreCheck>().Select(check => check.Store));
    }

    [Fact]
    public void Replicate_demands_the_ledger_and_checks_it()
    {
        using ServiceProvider services = Build(s_compareSettings, KvReplicatorRole.Replicate);

        OptionsValidationException invalid = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("ConnectionString", invalid.Message, StringComparison.Ordinal);
        Assert.Equal(["Key Vault", "Ledger container", "AWS credentials", "Secrets Manager"], services.GetServices<IStoreCheck>().Select(check => check.Store));
    }

    [Fact]
    public void Inspect_reads_the_ledger_and_the_dead_letters_when_they_are_configured()
    {
        var settings = new Dictionary<string, string?>(s_compareSettings)
        {
            ["KvReplicator:Ledger:ConnectionString"] = "UseDevelopmentStorage=true",
            ["KvReplicator:DeadLetter:ConnectionString"] = "UseDevelopmentStorage=true",
        };
        using ServiceProvider services = Build(settings, KvReplicatorRole.Inspect);

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.NotNull(services.GetRequiredService<SecretStatusReader>());
        Assert.Null(services.GetService<SecretReplicator>());
        Assert.Equal(
            ["Key Vault", "Ledger container", "AWS credentials", "Secrets Manager", "Dead-letter container"],
            services.GetServices<IStoreCheck>().Select(check => check.Store));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, KvReplicatorRole role) =>
        new ServiceCollection()
            .AddKvReplicator(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), role)
            .BuildServiceProvider();
}
