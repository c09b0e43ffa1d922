using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.AzureIdentity;
using KvReplicator.Credentials;
using KvReplicator.DeadLettering;
using KvReplicator.Events;
using KvReplicator.KeyVault;
using KvReplicator.Ledger;
using KvReplicator.Notifications;
using KvReplicator.Preflight;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.Status;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.DependencyInjection;

internal static class KvReplicatorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the whole replicator from the <c>KvReplicator:*</c> configuration sections: the Key Vault
    /// source, the Blob ledger, the Secrets Manager target, the AWS credential source, and the pipeline
    /// (<see cref="SecretReplicator"/>, <see cref="KeyVaultEventProcessor"/>) and the reconciler
    /// (<see cref="SecretReconciler"/>) that hosts call, and the <see cref="RejectedDeliveryDeadLetterer"/>
    /// a host hands its rejected deliveries to. Every options class is validated when the host starts, so a
    /// misconfiguration stops start-up with a message naming the setting rather than failing the first event;
    /// <see cref="StorePreflight"/> then asks each store for one cheap answer. A setting with an empty value
    /// counts as unset (<see cref="EmptySettingsAreUnset"/>).
    /// </summary>
    /// <remarks>
    /// Registrations are <c>TryAdd</c>: a host or test that registers its own <see cref="Azure.Core.TokenCredential"/>,
    /// <see cref="ICredentialSource"/>, <see cref="TimeProvider"/> or port before calling this keeps it.
    /// </remarks>
    internal static IServiceCollection AddKvReplicator(this IServiceCollection services, IConfiguration configuration) =>
        services.AddKvReplicator(configuration, KvReplicatorRole.Replicate);

    /// <summary>
    /// Registers what <paramref name="role"/> uses (see <see cref="AddKvReplicator(IServiceCollection, IConfiguration)"/>):
    /// for <see cref="KvReplicatorRole.Compare"/> and <see cref="KvReplicatorRole.Inspect"/> a reconciler that can only
    /// plan, and neither the pipeline nor what only writes need (rate limit, coalescing, notifications, dead letters),
    /// so their settings are neither demanded nor checked.
    /// </summary>
    internal static IServiceCollection AddKvReplicator(this IServiceCollection services, IConfiguration configuration, KvReplicatorRole role)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        configuration = EmptySettingsAreUnset.Apply(configuration);

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ReplicationOptions>()
            .Bind(configuration.GetSection(ReplicationOptions.SectionName))
            .PostConfigure<IOptions<CredentialsOptions>>(ExcludeCredentialSecrets)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddOptions<ReconcileOptions>()
            .Bind(configuration.GetSection(ReconcileOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Several vaults (KvReplicator:Vaults) or AWS targets (KvReplicator:Targets): each list takes the place of
        // its single section, and the routes are composed from them (ReplicationRoutes).
        services.AddReplicationRoutesOptions(configuration);
        int listedVaults = ReplicationRoutesServiceCollectionExtensions.ListedEntries(configuration, nameof(ReplicationRoutesOptions.Vaults));
        int listedTargets = ReplicationRoutesServiceCollectionExtensions.ListedEntries(configuration, nameof(ReplicationRoutesOptions.Targets));
        bool routesListed = listedVaults > 0 || listedTargets > 0;

        // The order of the stores is the order of the preflight's checklist.
        services.AddAzureCredential(configuration);
        if (listedVaults == 0)
        {
            services.AddKeyVaultSource(configuration);
        }
        else
        {
            services.AddListedVaultChecks(listedVaults);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureCredentialOptions>, AzureCredentialVaultValidator>());

        if (role is KvReplicatorRole.Replicate or KvReplicatorRole.Inspect)
        {
            services.AddBlobLedger(configuration);
        }

        services.AddCredentialSource(configuration, ReplicatedVaultClient);
        if (listedTargets == 0)
        {
            services.AddSecretsManagerTarget(configuration);
        }
        else
        {
            services.AddListedTargets(configuration);
        }

        // Which AWS write quota (account and Region) each target's writes count against, and its limit: the limiters
        // of a host that writes, and what doctor shows of every target, so every verb checks the limit.
        services.AddWriteRateLimitOptions(configuration);
        services.TryAddSingleton(provider => TargetWriteQuotas.Create(
            configuration,
            provider.GetRequiredService<IOptions<ReplicationRoutesOptions>>().Value,
            provider.GetRequiredService<IOptions<CredentialsOptions>>().Value,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new StorePreflight(provider.GetServices<IStoreCheck>(), provider.GetService<TimeProvider>()));
        if (!routesListed)
        {
            services.AddReconciler();
        }

        services.AddReplicationRoutes(routesListed, replicate: role == KvReplicatorRole.Replicate);
        if (role == KvReplicatorRole.Inspect)
        {
            // Dead-lettered events tell a secret that failed from one still on its way.
            services.AddDeadLetterReading(configuration);
            if (!routesListed)
            {
                services.TryAddSingleton<SecretStatusReader>();
            }
        }

        if (role != KvReplicatorRole.Replicate)
        {
            return services;
        }

        // Bursts and consumers: write rate limit, coalescing of superseded versions, SQS notifications.
        services.AddSecretsManagerWriteRateLimit(configuration);
        services.AddVersionCoalescing(configuration);
        services.AddReplicationNotifications(configuration);

        // Rejected deliveries: written to the dead-letter container (when configured) for kvrep replay.
        services.AddRejectedDeliveryDeadLettering(configuration);

        // Last: every remote call is measured below the replicator's own handlers (docs/operations.md, "Metrics").
        services.AddRemoteCallTelemetry();

        if (routesListed)
        {
            services.TryAddSingleton(provider => new ReplicationFanOut(provider.GetRequiredService<ReplicationRoutes>().All.Select(route => route.Replicator!)));
        }

        services.AddReplicationPipeline();
        return services;
    }

    /// <summary>
    /// The reconciler (sync, verify, status) over the stores already registered: it plans with them, and repairs
    /// through the replicator when one is registered. Public with an internal constructor (a Functions class takes
    /// it), so it is built here rather than activated.
    /// </summary>
    internal static IServiceCollection AddReconciler(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => new SecretReconciler(
            provider.GetRequiredService<ISecretSource>(),
            provider.GetRequiredService<ISecretTarget>(),
            provider.GetRequiredService<IOptions<ReplicationOptions>>(),
            provider.GetRequiredService<IOptions<ReconcileOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<SecretReconciler>>(),
            provider.GetService<SecretReplicator>()));
        return services;
    }

    /// <summary>
    /// The replicator and the event entry point (<see cref="KeyVaultEventProcessor"/>, public with an internal
    /// constructor because a Functions class takes it) over the stores already registered: one route, unless the
    /// routes' <see cref="ReplicationFanOut"/> was registered first.
    /// </summary>
    internal static IServiceCollection AddReplicationPipeline(this IServiceCollection services)
    {
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(ReplicationFanOut)))
        {
            services.TryAddSingleton<SecretReplicator>();
            services.TryAddSingleton(provider => new ReplicationFanOut([provider.GetRequiredService<SecretReplicator>()]));
        }

        services.TryAddSingleton(provider => new KeyVaultEventProcessor(
            provider.GetRequiredService<ReplicationFanOut>(),
            provider.GetRequiredService<IOptions<ReplicationOptions>>(),
            provider.GetRequiredService<ILogger<KeyVaultEventProcessor>>()));
        return services;
    }

    /// <summary>
    /// The replicated vault's client, for a Roles Anywhere certificate kept in that vault: the Key Vault source's
    /// settings (managed identity, the local stand-in's TLS pin), without the host's pipeline policies; null when
    /// <c>KvReplicator:KeyVault:VaultUri</c> is not set.
    /// </summary>
    private static SecretClient? ReplicatedVaultClient(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<KeyVaultOptions>>().Value is { VaultUri: not null } vault
            ? KeyVaultServiceCollectionExtensions.CreateSecretClient(vault, provider.GetService<TokenCredential>())
            : null;

    /// <summary>
    /// The secrets holding the Roles Anywhere certificate and key are never replicated, whatever they are
    /// called: renaming them in the credential settings alone must not send the private key to AWS.
    /// </summary>
    private static void ExcludeCredentialSecrets(ReplicationOptions replication, IOptions<CredentialsOptions> credentials)
    {
        RolesAnywhereOptions rolesAnywhere = credentials.Value.RolesAnywhere;
        foreach (string name in new[] { rolesAnywhere.CertificateSecretName, rolesAnywhere.PrivateKeySecretName, rolesAnywhere.ChainSecretName })
        {
            if (!string.IsNullOrWhiteSpace(name) && !replication.ExcludedSecretNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                replication.ExcludedSecretNames.Add(name);
            }
        }
    }
}
