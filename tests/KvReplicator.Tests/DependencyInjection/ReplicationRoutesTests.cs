using Amazon.Runtime;
using Azure.Core;
using KvReplicator.Credentials;
using KvReplicator.DependencyInjection;
using KvReplicator.Preflight;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.DependencyInjection;

/// <summary>
/// Issue 14, items 2 and 3: <c>KvReplicator:Vaults</c> and <c>KvReplicator:Targets</c> are checked at start, each
/// mistake one sentence naming its key, and compose one route per vault and target; without them the single
/// sections are the one route, as before.
/// </summary>
public sealed class ReplicationRoutesTests
{
    private static readonly Dictionary<string, string?> s_twoVaultsTwoTargets = new()
    {
        ["KvReplicator:Vaults:0:KeyVault:VaultUri"] = "https://kv-prod.vault.azure.net/",
        ["KvReplicator:Vaults:0:Replication:TargetPrefix"] = "prod/",
        ["KvReplicator:Vaults:1:KeyVault:VaultUri"] = "https://kv-shared.vault.azure.net/",
        ["KvReplicator:Vaults:1:Replication:TargetPrefix"] = "shared/",
        ["KvReplicator:Vaults:1:Replication:IncludeNamePatterns:0"] = "app-*",
        ["KvReplicator:Targets:0:Id"] = "prod-eu",
        ["KvReplicator:Targets:0:SecretsManager:Region"] = "eu-west-1",
        ["KvReplicator:Targets:1:Id"] = "dr-us",
        ["KvReplicator:Targets:1:Vaults:0"] = "kv-prod",
        ["KvReplicator:Targets:1:TargetPrefix"] = "dr/",
        ["KvReplicator:Targets:1:SecretsManager:Region"] = "us-east-1",
        ["KvReplicator:Targets:1:SecretsManager:KmsKeyId"] = "alias/dr",
        ["KvReplicator:Ledger:ConnectionString"] = "UseDevelopmentStorage=true",
    };

    [Fact]
    public void Two_vaults_and_two_targets_compose_a_route_per_vault_and_receiving_target()
    {
        using ServiceProvider services = Build(s_twoVaultsTwoTargets, KvReplicatorRole.Replicate);

        services.GetRequiredService<IStartupValidator>().Validate();
        IReadOnlyList<ReplicationRoute> routes = services.GetRequiredService<ReplicationRoutes>().All;

        Assert.Equal(
            ["kv-prod → prod-eu as prod/", "kv-prod → dr-us as dr/prod/", "kv-shared → prod-eu as shared/"],
            routes.Select(route => $"{route.VaultName} → {route.TargetId} as {route.Replication.TargetPrefix}"));
        Assert.All(routes, route => Assert.Equal(route.TargetId, route.Replicator!.TargetId));
        Assert.Equal(["app-*"], routes[2].Replication.IncludeNamePatterns);
        Assert.Equal(3, services.GetRequiredService<IEnumerable<SecretReconciler>>().Count());
        Assert.NotNull(services.GetRequiredService<ReplicationFanOut>());
        Assert.Null(services.GetService<SecretReplicator>());
        Assert.Equal(
            ["Key Vault (vault kv-prod)", "Key Vault (vault kv-shared)", "Ledger container", "AWS credentials", "Secrets Manager (target prod-eu)", "Secrets Manager (target dr-us)"],
            services.GetServices<IStoreCheck>().Select(check => check.Store));
    }

    [Fact]
    public void A_targets_name_template_names_the_secrets_of_every_vault_it_receives_and_the_vaults_own_template_serves_the_others()
    {
        var settings = new Dictionary<string, string?>(s_twoVaultsTwoTargets)
        {
            ["KvReplicator:Vaults:1:Replication:TargetNameTemplate"] = "{prefix}{name}/v1",
            ["KvReplicator:Targets:1:TargetNameTemplate"] = "{prefix}{vault}/{name}",
        };
        using ServiceProvider services = Build(settings, KvReplicatorRole.Replicate);

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(
            ["kv-prod → prod-eu: prod/db", "kv-prod → dr-us: dr/prod/kv-prod/db", "kv-shared → prod-eu: shared/db/v1"],
            services.GetRequiredService<ReplicationRoutes>().All.Select(route =>
                $"{route.VaultName} → {route.TargetId}: {route.Replication.NameMapperFor(route.VaultName).TryMap("db", out _)}"));
    }

    [Theory]
    [InlineData(nameof(KvReplicatorRole.Compare))]
    [InlineData(nameof(KvReplicatorRole.Inspect))]
    public void A_host_that_only_compares_gets_every_route_without_a_replicator(string role)
    {
        using ServiceProvider services = Build(s_twoVaultsTwoTargets, Enum.Parse<KvReplicatorRole>(role));

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(3, services.GetRequiredService<ReplicationRoutes>().Reconcilers.Count);
        Assert.All(services.GetRequiredService<ReplicationRoutes>().All, route => Assert.Null(route.Replicator));
    }

    [Fact]
    public void Without_the_lists_the_single_sections_are_the_one_route_and_its_ledger_records_keep_their_names()
    {
        using ServiceProvider services = Build(new Dictionary<string, string?>
        {
            ["KvReplicator:KeyVault:VaultUri"] = "https://contoso.vault.azure.net/",
            ["KvReplicator:SecretsManager:Region"] = "eu-west-1",
            ["KvReplicator:Replication:TargetPrefix"] = "kv/",
            ["KvReplicator:Ledger:ConnectionString"] = "UseDevelopmentStorage=true",
        }, KvReplicatorRole.Replicate);

        services.GetRequiredService<IStartupValidator>().Validate();
        ReplicationRoute route = Assert.Single(services.GetRequiredService<ReplicationRoutes>().All);

        Assert.Null(route.TargetId);
        Assert.Same(services.GetRequiredService<SecretReplicator>(), route.Replicator);
        Assert.Same(services.GetRequiredService<SecretReconciler>(), route.Reconciler);
        Assert.Equal("kv/", route.Replication.TargetPrefix);
        Assert.Equal("secrets/contoso/db", new LedgerKey("contoso", "db", route.TargetId).RecordName);
    }

    [Fact]
    public void A_target_list_over_the_single_vault_keeps_the_vault_section()
    {
        using ServiceProvider services = Build(new Dictionary<string, string?>
        {
            ["KvReplicator:KeyVault:VaultUri"] = "https://contoso.vault.azure.net/",
            ["KvReplicator:Targets:0:Id"] = "a",
            ["KvReplicator:Targets:0:SecretsManager:Region"] = "eu-west-1",
            ["KvReplicator:Targets:1:Id"] = "b",
            ["KvReplicator:Targets:1:Vaults:0"] = "contoso",
            ["KvReplicator:Targets:1:SecretsManager:Region"] = "eu-central-1",
            ["KvReplicator:Ledger:ConnectionString"] = "UseDevelopmentStorage=true",
        }, KvReplicatorRole.Replicate);

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(["contoso/a", "contoso/b"], services.GetRequiredService<ReplicationRoutes>().All.Select(route => $"{route.VaultName}/{route.TargetId}"));
    }

    public static TheoryData<string, string?, string> BadLists() => new()
    {
        { "KvReplicator:Targets:1:Id", "prod-eu", "KvReplicator:Targets:1:Id 'prod-eu' is also the Id of KvReplicator:Targets:0; each target needs its own Id" },
        { "KvReplicator:Targets:1:Id", "", "KvReplicator:Targets:1:Id must be the target's name, 1-32 letters, digits or dashes" },
        { "KvReplicator:Targets:1:Id", "dr us", "KvReplicator:Targets:1:Id must be the target's name" },
        { "KvReplicator:Targets:1:Vaults:0", "kv-test", "KvReplicator:Targets:1:Vaults names vault 'kv-test', which is not configured (configured: kv-prod, kv-shared)." },
        { "KvReplicator:Targets:1:SecretsManager:Region", "", "KvReplicator:Targets:1:SecretsManager: " },
        { "KvReplicator:Targets:1:SecretsManager:ServiceUrl", "ftp://sm.example/", "KvReplicator:Targets:1:SecretsManager:ServiceUrl must be an absolute http or https URL." },
        { "KvReplicator:Targets:1:Credentials:Source", "WebIdentity", "KvReplicator:Targets:1:Credentials:WebIdentity:RoleArn is required for this credential source" },
        { "KvReplicator:Targets:1:TargetPrefix", "dr us/", "KvReplicator:Targets:1:TargetPrefix: The target prefix may only contain letters, digits and / _ + = . @ -" },
        { "KvReplicator:Targets:1:TargetNameTemplate", "{prefix}", "KvReplicator:Targets:1: for vault 'kv-prod': " },
        { "KvReplicator:Targets:0:TargetNameTemplate", "kv/{name}", "KvReplicator:Targets:0: Vaults 'kv-prod' (kv/{name}) and 'kv-shared' (kv/{name}) can map two secrets to one Secrets Manager name" },
        { "KvReplicator:Vaults:1:KeyVault:VaultUri", "https://kv-prod.vault.azure.net/", "KvReplicator:Vaults:1: vault 'kv-prod' is listed twice (also KvReplicator:Vaults:0); list each vault once." },
        { "KvReplicator:Vaults:1:KeyVault:VaultUri", "http://kv-shared.vault.azure.net/", "KvReplicator:Vaults:1:KeyVault:VaultUri must be an absolute https URI of the vault" },
        { "KvReplicator:Vaults:1:Replication:TargetPrefix", "prod/", "KvReplicator:Targets:0: Vaults 'kv-prod' ({prefix}{name}) and 'kv-shared' ({prefix}{name}) can map two secrets to one Secrets Manager name" },
        { "KvReplicator:Vaults:1:Replication:TargetPrefix", "prod/app-", "KvReplicator:Targets:0: Vaults 'kv-prod' ({prefix}{name}) and 'kv-shared' ({prefix}{name}) can map two secrets to one Secrets Manager name" },
        { "KvReplicator:Targets:0:Vaults:0", "kv-prod", "Vault 'kv-shared' is replicated to no target" },
        { "KvReplicator:KeyVault:VaultUri", "https://contoso.vault.azure.net/", "KvReplicator:KeyVault:VaultUri and KvReplicator:Vaults are both set" },
        { "KvReplicator:SecretsManager:Region", "eu-west-1", "KvReplicator:SecretsManager:Region and KvReplicator:Targets are both set" },
        { "KvReplicator:Replication:TargetPrefix", "kv/", "KvReplicator:Replication:TargetPrefix is a vault's setting: with KvReplicator:Vaults, set it per vault (KvReplicator:Vaults:<n>:Replication:TargetPrefix) and unset it here." },
        { "KvReplicator:Replication:ExcludeNamePatterns:0", "tmp-*", "KvReplicator:Replication:ExcludeNamePatterns is a vault's setting" },
        { "KvReplicator:Targets:1:AccountId", "1234", "KvReplicator:Targets:1:AccountId must be the target's AWS account, 12 digits (e.g. 111122223333); it tells which targets share a write quota." },
        { "KvReplicator:Targets:1:WriteRateLimit:PermitsPerSecond", "80", "KvReplicator:Targets:1:WriteRateLimit:PermitsPerSecond must be between 1 and 50 (AWS allows 50 per account and Region)." },
        { "KvReplicator:AzureCredential:Source", "LocalCloud", "LocalCloud is for kvrep-dev localcloud only, but KvReplicator:Vaults:0:KeyVault:VaultUri is not a loopback address." },
    };

    [Theory]
    [MemberData(nameof(BadLists))]
    public void A_bad_list_stops_the_start_with_a_sentence_naming_the_key(string key, string? value, string expected)
    {
        var settings = new Dictionary<string, string?>(s_twoVaultsTwoTargets) { [key] = value };
        using ServiceProvider services = Build(settings, KvReplicatorRole.Replicate);

        OptionsValidationException invalid = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, invalid.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', invalid.Message);
    }

    [Theory]
    [InlineData("kv/a/", "kv/b/")]
    [InlineData("prod/", "prod/dr/")]
    [InlineData("kv-", "kv_")]
    public void Prefixes_that_cannot_give_two_secrets_one_name_are_accepted(string first, string second)
    {
        var settings = new Dictionary<string, string?>(s_twoVaultsTwoTargets)
        {
            ["KvReplicator:Vaults:0:Replication:TargetPrefix"] = first,
            ["KvReplicator:Vaults:1:Replication:TargetPrefix"] = second,
        };
        using ServiceProvider services = Build(settings, KvReplicatorRole.Replicate);

        services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void The_sample_with_two_vaults_and_two_targets_passes_the_start_checks()
    {
        string sample = Path.Combine(Infra.RepositoryLayout.Root, "deploy", "examples", "kvrep.routes.json");
        IConfiguration configuration = new ConfigurationBuilder().AddJsonFile(sample).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TokenCredential>(new OfflineTokenCredential());
        using ServiceProvider provider = services.AddKvReplicator(configuration, KvReplicatorRole.Compare).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(
            ["kv-payments-prod → prod-eu as kvrep/payments/", "kv-payments-prod → dr-us as kvrep/payments/", "kv-identity-prod → prod-eu as kvrep/identity/"],
            provider.GetRequiredService<ReplicationRoutes>().All.Select(route => $"{route.VaultName} → {route.TargetId} as {route.Replication.TargetPrefix}"));
    }

    /// <summary>Offline: a fixed Azure token and fixed AWS keys, so nothing reaches a cloud.</summary>
    /// <param name="configure">Runs after the replicator is added (a test's clock or wire).</param>
    internal static ServiceProvider Build(Dictionary<string, string?> settings, KvReplicatorRole role, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TokenCredential>(new OfflineTokenCredential());
        services.AddSingleton<ICredentialSource>(new AwsSdkCredentialSource(new BasicAWSCredentials("offline", "offline"), "offline"));
        services.AddKvReplicator(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), role);
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private sealed class OfflineTokenCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("offline", DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
