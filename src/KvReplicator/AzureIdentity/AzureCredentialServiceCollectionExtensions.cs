using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KvReplicator.AzureIdentity;

internal static class AzureCredentialServiceCollectionExtensions
{
    /// <summary>The token of <see cref="AzureCredentialSource.LocalCloud"/>: the local Key Vault accepts any bearer token, real Azure none of this one.</summary>
    internal const string LocalCloudToken = "kvrep-local-cloud";

    /// <summary>
    /// Registers the <see cref="TokenCredential"/> that <c>KvReplicator:AzureCredential:Source</c> names, which every
    /// Azure client of the replicator then uses. With <see cref="AzureCredentialSource.Default"/> nothing is
    /// registered and each client keeps its own <c>DefaultAzureCredential</c>; a credential registered before this
    /// (tests, kvrep-dev) wins either way.
    /// </summary>
    internal static IServiceCollection AddAzureCredential(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        IConfigurationSection section = configuration.GetSection(AzureCredentialOptions.SectionName);
        services.AddOptions<AzureCredentialOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureCredentialOptions>, AzureCredentialOptionsValidator>());

        // Decided from configuration now, so that Default leaves no registration for the clients to find.
        if (Enum.TryParse(section[nameof(AzureCredentialOptions.Source)], ignoreCase: true, out AzureCredentialSource source) && source != AzureCredentialSource.Default)
        {
            services.TryAddSingleton(provider => Create(provider.GetRequiredService<IOptions<AzureCredentialOptions>>().Value, provider.GetService<TimeProvider>() ?? TimeProvider.System));
        }

        return services;
    }

    internal static TokenCredential Create(AzureCredentialOptions options, TimeProvider timeProvider)
    {
        string? clientId = string.IsNullOrWhiteSpace(options.ClientId) ? null : options.ClientId;
        return options.Source switch
        {
            AzureCredentialSource.ManagedIdentity => new ManagedIdentityCredential(
                clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId)),
            AzureCredentialSource.WorkloadIdentity => new WorkloadIdentityCredential(new WorkloadIdentityCredentialOptions { ClientId = clientId }),
            AzureCredentialSource.AzureCli => new AzureCliCredential(),
            AzureCredentialSource.Environment => new EnvironmentCredential(),
            AzureCredentialSource.LocalCloud => DelegatedTokenCredential.Create((_, _) => new AccessToken(LocalCloudToken, timeProvider.GetUtcNow().AddHours(1))),
            _ => new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId }),
        };
    }
}
