using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using KvReplicator.Preflight;
using KvReplicator.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.Ledger;

internal static class LedgerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="BlobReplicationLedger"/> as the <see cref="IReplicationLedger"/>, configured from
    /// <c>KvReplicator:Ledger</c> (validated at start-up). With a ServiceUri it signs in with the
    /// <see cref="TokenCredential"/> already registered, else with DefaultAzureCredential. Every
    /// <see cref="HttpPipelinePolicy"/> registered in the container joins the client's pipeline per call (outside the SDK's retries).
    /// </summary>
    internal static IServiceCollection AddBlobLedger(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddBlobContainerOptions<LedgerOptions>(configuration, LedgerOptions.SectionName);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new BlobReplicationLedger(
            CreateContainerClient(provider),
            provider.GetService<ILogger<BlobReplicationLedger>>()));
        services.AddSingleton<IReplicationLedger>(provider => provider.GetRequiredService<BlobReplicationLedger>());
        services.AddSingleton<IStoreCheck>(provider => new BlobContainerAccessCheck(
            "Ledger container", LedgerOptions.SectionName, () => provider.GetBlobContainerClient<LedgerOptions>(BlobContainerConnection.SingleAttempt())));
        return services;
    }

    private static BlobContainerClient CreateContainerClient(IServiceProvider provider)
    {
        var clientOptions = new BlobClientOptions();
        foreach (HttpPipelinePolicy policy in provider.GetServices<HttpPipelinePolicy>())
        {
            clientOptions.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        return provider.GetBlobContainerClient<LedgerOptions>(clientOptions);
    }
}
