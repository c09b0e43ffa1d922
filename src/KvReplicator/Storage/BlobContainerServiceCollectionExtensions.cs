using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Storage;

/// <summary>A Blob container from its settings, for the ledger and the dead letters alike.</summary>
internal static class BlobContainerServiceCollectionExtensions
{
    /// <summary>Binds <typeparamref name="TOptions"/> from <paramref name="sectionName"/>, validated at start-up.</summary>
    internal static IServiceCollection AddBlobContainerOptions<TOptions>(this IServiceCollection services, IConfiguration configuration, string sectionName)
        where TOptions : BlobContainerOptions
    {
        services.AddOptions<TOptions>()
            .Bind(configuration.GetSection(sectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// The client of the container <typeparamref name="TOptions"/> names. With a ServiceUri it signs in with the
    /// <see cref="TokenCredential"/> already registered, else with DefaultAzureCredential.
    /// </summary>
    internal static BlobContainerClient GetBlobContainerClient<TOptions>(this IServiceProvider provider, BlobClientOptions? clientOptions = null)
        where TOptions : BlobContainerOptions
    {
        TOptions options = provider.GetRequiredService<IOptions<TOptions>>().Value;
        return BlobContainerConnection.Connect(
            options.ServiceUri, options.ConnectionString, options.ContainerName, options.ManagedIdentityClientId, provider.GetService<TokenCredential>(), clientOptions);
    }
}
