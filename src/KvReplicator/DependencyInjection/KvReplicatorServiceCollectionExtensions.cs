using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Credentials;
using KvReplicator.DeadLettering;
using KvReplicator.Events;
using KvReplicator.KeyVault;
using KvReplicator.Ledger;
using KvReplicator.Notifications;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
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
    /// a host hands its rejected deliveries to. Every options
    /// class is validated when the host starts, so a misconfiguration stops start-up with a message naming
    /// the setting rather than failing the first event. A setting with an empty value counts as unset
    /// (<see cref="EmptySettingsAreUnset"/>).
    /// </summary>
    /// <remarks>
    /// Registrations are <c>TryAdd</c>: a host or test that registers its own <see cref="Azure.Core.TokenCredential"/>,
    /// <see cref="ICredentialSource"/>, <see cref="TimeProvider"/> or port before calling this keeps it.
    /// </remarks>
    internal static IServiceCollection AddKvReplicator(this IServiceCollection services, IConfiguration configuration)
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

        services.AddKeyVaultSource(configuration);
        services.AddBlobLedger(configuration);
        services.AddCredentialSource(configuration, ReplicatedVaultClient);
        services.AddSecretsManagerTarget(configuration);

        // Bursts and consumers: write rate limit, coalescing of superseded versions, SQS notifications.
        services.AddSecretsManagerWriteRateLimit(configuration);
        services.AddVersionCoalescing(configuration);
        services.AddReplicationNotifications(configuration);

        // Rejected deliveries: written to the dead-letter container (when configured) for kvrep replay.
        services.AddRejectedDeliveryDeadLettering(configuration);

        // Last: every remote call is measured below the replicator's own handlers (docs/operations.md, "Metrics").
        services.AddRemoteCallTelemetry();

        services.AddReplicationUseCases();
        return services;
    }

    /// <summary>
    /// The use cases (<see cref="SecretReplicator"/>, <see cref="SecretReconciler"/>) and the event entry point
    /// (<see cref="KeyVaultEventProcessor"/>) over the stores already registered. The two types a Functions class
    /// takes are public with internal constructors, so they are built here rather than activated.
    /// </summary>
    internal static IServiceCollection AddReplicationUseCases(this IServiceCollection services)
    {
        services.TryAddSingleton<SecretReplicator>();
        services.TryAddSingleton(provider => new KeyVaultEventProcessor(
            provider.GetRequiredService<SecretReplicator>(),
            provider.GetRequiredService<IOptions<ReplicationOptions>>(),
            provider.GetRequiredService<ILogger<KeyVaultEventProcessor>>()));
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
