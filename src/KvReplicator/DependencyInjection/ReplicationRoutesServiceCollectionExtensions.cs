using Azure.Core;
using Azure.Core.Pipeline;
using KvReplicator.Credentials;
using KvReplicator.KeyVault;
using KvReplicator.Preflight;
using KvReplicator.Reconciliation;
using KvReplicator.SecretsManager;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KvReplicator.DependencyInjection;

internal static class ReplicationRoutesServiceCollectionExtensions
{
    /// <summary>The settings of several vaults and several AWS targets, validated at start.</summary>
    internal static IServiceCollection AddReplicationRoutesOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReplicationRoutesOptions>()
            .Bind(configuration.GetSection(ReplicationRoutesOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReplicationRoutesOptions>, ReplicationRoutesOptionsValidator>(
            _ => new ReplicationRoutesOptionsValidator(configuration)));
        return services;
    }

    /// <summary>How many entries <c>KvReplicator:Vaults</c> or <c>KvReplicator:Targets</c> has (0 when unset), known before the container is built.</summary>
    internal static int ListedEntries(IConfiguration configuration, string list) =>
        configuration.GetSection($"{ReplicationRoutesOptions.SectionName}:{list}").GetChildren().Count();

    /// <summary>
    /// The preflight's Key Vault check of each listed vault (<c>KvReplicator:Vaults:&lt;n&gt;</c>), named after the
    /// vault in the checklist, in place of the single vault's.
    /// </summary>
    internal static IServiceCollection AddListedVaultChecks(this IServiceCollection services, int count)
    {
        for (int i = 0; i < count; i++)
        {
            int index = i;
            services.AddSingleton<IStoreCheck>(provider =>
            {
                KeyVaultOptions vault = Listed(provider).Vaults[index].KeyVault;
                return new RouteStoreCheck(
                    new KeyVaultAccessCheck(Options.Create(vault), options => KeyVaultServiceCollectionExtensions.CreateSecretClient(
                        options, provider.GetService<TokenCredential>(), provider.GetServices<HttpPipelinePolicy>(), retry: false)),
                    $"vault {vault.EffectiveVaultName}",
                    ownPrerequisite: false);
            });
        }

        return services;
    }

    /// <summary>
    /// What the listed AWS targets (<c>KvReplicator:Targets:&lt;n&gt;</c>) share and check, in place of the single
    /// target's registrations: the Secrets Manager HTTP client, and per target its credentials' check (when it has
    /// its own) and its Secrets Manager check, named after the target in the checklist.
    /// </summary>
    internal static IServiceCollection AddListedTargets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSecretsManagerHttpClient();
        int count = ListedEntries(configuration, nameof(ReplicationRoutesOptions.Targets));
        for (int i = 0; i < count; i++)
        {
            int index = i;
            if (configuration.GetSection($"{ReplicationRoutesOptions.SectionName}:{nameof(ReplicationRoutesOptions.Targets)}:{i}:{nameof(TargetRouteOptions.Credentials)}").Exists())
            {
                // A target on the deployment's credentials needs no check of its own: the deployment's is in the checklist.
                services.AddSingleton<IStoreCheck>(provider =>
                {
                    TargetRouteOptions target = Listed(provider).Targets[index];
                    return new RouteStoreCheck(new AwsCredentialsCheck(() => Credentials(provider, target)), $"target {target.Id}", ownPrerequisite: true);
                });
            }

            services.AddSingleton<IStoreCheck>(provider =>
            {
                TargetRouteOptions target = Listed(provider).Targets[index];
                return new RouteStoreCheck(
                    new SecretsManagerAccessCheck(() =>
                    {
                        var singleAttempt = new SecretsManagerOptions { Region = target.SecretsManager.Region, ServiceUrl = target.SecretsManager.ServiceUrl, MaxRetries = 0 };
                        return (new SecretsManagerClient(
                            provider.GetRequiredService<IHttpClientFactory>().CreateClient(SecretsManagerClient.HttpClientName),
                            Credentials(provider, target),
                            singleAttempt,
                            provider.GetRequiredService<TimeProvider>()), target.SecretsManager.Region);
                    }),
                    $"target {target.Id}",
                    ownPrerequisite: OwnCredentials(provider, target));
            });
        }

        return services;
    }

    /// <summary>
    /// The routes, and every route's reconciler as the container's <see cref="SecretReconciler"/>s (the Functions
    /// timer and serve's schedule run them all). A single route's reconciler is the one <c>AddReconciler</c> registers.
    /// </summary>
    internal static IServiceCollection AddReplicationRoutes(this IServiceCollection services, bool routesListed, bool replicate)
    {
        services.TryAddSingleton(provider => ReplicationRoutes.Create(provider, replicate));
        if (routesListed)
        {
            // Registered as the enumerable itself: there is no single reconciler to ask for when there are several routes.
            services.TryAddSingleton<IEnumerable<SecretReconciler>>(provider => provider.GetRequiredService<ReplicationRoutes>().Reconcilers);
        }

        return services;
    }

    private static ReplicationRoutesOptions Listed(IServiceProvider provider) => provider.GetRequiredService<IOptions<ReplicationRoutesOptions>>().Value;

    private static bool OwnCredentials(IServiceProvider provider, TargetRouteOptions target) => target.Credentials is not null;

    private static ICredentialSource Credentials(IServiceProvider provider, TargetRouteOptions target) =>
        provider.GetRequiredService<ReplicationRoutes>().CredentialsOf(target.Id!);
}
