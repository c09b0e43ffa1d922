using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Credentials;
using KvReplicator.KeyVault;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.Throttling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.DependencyInjection;

/// <summary>
/// Every route of the deployment: each configured vault to each AWS target that receives it. Without
/// <c>KvReplicator:Vaults</c> and <c>KvReplicator:Targets</c> the one route is the container's own source,
/// target, replicator and reconciler, exactly as a single-vault deployment always composed them.
/// </summary>
internal sealed class ReplicationRoutes
{
    private readonly IReadOnlyDictionary<string, ICredentialSource> _targetCredentials;

    public ReplicationRoutes(IReadOnlyList<ReplicationRoute> all, IReadOnlyDictionary<string, ICredentialSource>? targetCredentials = null)
    {
        ArgumentNullException.ThrowIfNull(all);
        All = all;
        _targetCredentials = targetCredentials ?? new Dictionary<string, ICredentialSource>();
    }

    public IReadOnlyList<ReplicationRoute> All { get; }

    /// <summary>Every route's reconciler, in configuration order (vaults, then their targets).</summary>
    public IReadOnlyList<SecretReconciler> Reconcilers => [.. All.Select(route => route.Reconciler)];

    /// <summary>The credentials a listed AWS target signs with.</summary>
    public ICredentialSource CredentialsOf(string targetId) => _targetCredentials[targetId];

    /// <summary>Composes the routes from the container; <paramref name="replicate"/> is false for hosts that only compare.</summary>
    internal static ReplicationRoutes Create(IServiceProvider provider, bool replicate)
    {
        ReplicationRoutesOptions options = provider.GetRequiredService<IOptions<ReplicationRoutesOptions>>().Value;
        if (!options.IsConfigured)
        {
            ISecretSource source = provider.GetRequiredService<ISecretSource>();
            var single = new ReplicationRoute(
                source.VaultName, null, source, provider.GetRequiredService<ISecretTarget>(), provider.GetRequiredService<IOptions<ReplicationOptions>>().Value,
                provider.GetRequiredService<SecretReconciler>(), replicate ? provider.GetRequiredService<SecretReplicator>() : null);
            return new ReplicationRoutes([single]);
        }

        ReplicationOptions deployment = provider.GetRequiredService<IOptions<ReplicationOptions>>().Value;
        string[] credentialSecrets = [.. CredentialSecretNames(provider, options)];
        List<(ISecretSource Source, ReplicationOptions Replication, SecretClient? Client)> vaults = options.Vaults.Count == 0
            ? [(provider.GetRequiredService<ISecretSource>(), deployment, null)]
            : [.. options.Vaults.Select(vault => Vault(provider, vault))];

        // A target's Roles Anywhere certificate sits in a replicated vault unless its own VaultUri names another.
        Func<IServiceProvider, SecretClient?> certificateVault = services => vaults[0].Client
            ?? (services.GetRequiredService<IOptions<KeyVaultOptions>>().Value is { VaultUri: not null } single
                ? KeyVaultServiceCollectionExtensions.CreateSecretClient(single, services.GetService<TokenCredential>())
                : null);
        var credentials = new Dictionary<string, ICredentialSource>(StringComparer.OrdinalIgnoreCase);
        List<(string? Id, ISecretTarget Target, TargetRouteOptions? Options)> targets = options.Targets.Count == 0
            ? [(null, provider.GetRequiredService<ISecretTarget>(), null)]
            : [.. options.Targets.Select(target => (target.Id, Target(provider, target, credentials[target.Id!] = TargetCredentials(provider, target, certificateVault)), target))];

        var routes = new List<ReplicationRoute>();
        foreach ((ISecretSource source, ReplicationOptions vaultReplication, _) in vaults)
        {
            foreach ((string? id, ISecretTarget target, TargetRouteOptions? targetOptions) in targets)
            {
                if (targetOptions is not null && !ReplicationRoutesOptionsValidator.Receives(targetOptions, source.VaultName))
                {
                    continue;
                }

                ReplicationOptions replication = Copy(vaultReplication, targetOptions, deployment, credentialSecrets);
                SecretReplicator? replicator = replicate
                    ? new SecretReplicator(source, target, provider.GetRequiredService<IReplicationLedger>(), Options.Create(replication),
                        provider.GetRequiredService<ILogger<SecretReplicator>>(), provider.GetService<VersionCoalescer>(), provider.GetService<IReplicationNotifier>(),
                        provider.GetRequiredService<TimeProvider>(), id)
                    : null;
                var reconciler = new SecretReconciler(source, target, Options.Create(replication), provider.GetRequiredService<IOptions<ReconcileOptions>>(),
                    provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<SecretReconciler>>(), replicator, id);
                routes.Add(new ReplicationRoute(source.VaultName, id, source, target, replication, reconciler, replicator));
            }
        }

        return new ReplicationRoutes(routes, credentials);
    }

    private static (ISecretSource, ReplicationOptions, SecretClient?) Vault(IServiceProvider provider, VaultRouteOptions vault)
    {
        SecretClient client = KeyVaultServiceCollectionExtensions.CreateSecretClient(
            vault.KeyVault, provider.GetService<TokenCredential>(), provider.GetServices<HttpPipelinePolicy>());
        return (new KeyVaultSecretSource(client, vault.KeyVault.EffectiveVaultName), vault.Replication, client);
    }

    /// <summary>
    /// A target's own Secrets Manager client and target. Every target's client is built on the handlers of the one
    /// named <see cref="SecretsManagerClient.HttpClientName"/>, so the write rate limit, the telemetry and a host's
    /// own handlers apply to all of them alike; in a host that writes, the target's writes wait for the limiter of
    /// its AWS quota (<see cref="TargetWriteQuotas"/>), which only the targets of the same account and Region share.
    /// </summary>
    private static SecretsManagerTarget Target(IServiceProvider provider, TargetRouteOptions target, ICredentialSource credentials)
    {
        HttpClient http = provider.GetService<WriteRateLimiter>() is null
            ? provider.GetRequiredService<IHttpClientFactory>().CreateClient(SecretsManagerClient.HttpClientName)
            : new HttpClient(SecretsManagerWriteThrottlingHandler.ForQuota(
                provider.GetRequiredService<TargetWriteQuotas>().LimiterOf(target.Id!),
                provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(SecretsManagerClient.HttpClientName)));
        var client = new SecretsManagerClient(
            http,
            credentials,
            target.SecretsManager,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<SecretsManagerClient>>());
        return new SecretsManagerTarget(client, target.SecretsManager, provider.GetService<ILogger<SecretsManagerTarget>>());
    }

    /// <summary>
    /// A target's credentials: a source the host registered under the target's id (tests: another emulated
    /// account), else its own <c>Credentials</c> section, else the deployment's.
    /// </summary>
    private static ICredentialSource TargetCredentials(IServiceProvider provider, TargetRouteOptions target, Func<IServiceProvider, SecretClient?> certificateVault) =>
        provider.GetKeyedService<ICredentialSource>(target.Id)
            ?? (target.Credentials is { } own
                ? CredentialsServiceCollectionExtensions.Create(provider, own, certificateVault)
                : provider.GetRequiredService<ICredentialSource>());

    /// <summary>
    /// The secrets holding any Roles Anywhere certificate, key and chain of the deployment or of a target: never
    /// replicated from any vault, whatever they are called (see <c>KvReplicatorServiceCollectionExtensions</c>).
    /// </summary>
    private static IEnumerable<string> CredentialSecretNames(IServiceProvider provider, ReplicationRoutesOptions options)
    {
        IEnumerable<RolesAnywhereOptions> identities = options.Targets
            .Select(target => target.Credentials?.RolesAnywhere)
            .Append(provider.GetRequiredService<IOptions<CredentialsOptions>>().Value.RolesAnywhere)
            .OfType<RolesAnywhereOptions>();
        return identities
            .SelectMany(identity => new[] { identity.CertificateSecretName, identity.PrivateKeySecretName, identity.ChainSecretName })
            .Where(name => !string.IsNullOrWhiteSpace(name))
            .Distinct(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>How a vault's secrets are named in a target: the target's template or the vault's, under the target's prefix followed by the vault's.</summary>
    internal static (string Template, string Prefix) Naming(ReplicationOptions vault, TargetRouteOptions? target) =>
        (target?.TargetNameTemplate ?? vault.TargetNameTemplate, (target?.TargetPrefix ?? string.Empty) + vault.TargetPrefix);

    /// <summary>
    /// A route's replication settings: the vault's filters, named by the target's template (or the vault's) under
    /// the target's prefix followed by the vault's, with the deployment's settings for what is not the vault's to
    /// choose (locks, waits, parallelism), and the credential secrets excluded.
    /// </summary>
    private static ReplicationOptions Copy(ReplicationOptions vault, TargetRouteOptions? target, ReplicationOptions deployment, IEnumerable<string> credentialSecrets)
    {
        (string template, string prefix) = Naming(vault, target);
        return new()
        {
            TargetPrefix = prefix,
            TargetNameTemplate = template,
            ExcludedSecretNames = [.. vault.ExcludedSecretNames.Concat(credentialSecrets).Distinct(StringComparer.OrdinalIgnoreCase)],
            IncludeNamePatterns = [.. vault.IncludeNamePatterns],
            ExcludeNamePatterns = [.. vault.ExcludeNamePatterns],
            RequiredTagName = vault.RequiredTagName,
            RequiredTagValue = vault.RequiredTagValue,
            MaxParallelEventsPerDelivery = deployment.MaxParallelEventsPerDelivery,
            LockDuration = deployment.LockDuration,
            InFlightWait = deployment.InFlightWait,
        };
    }
}
