using Azure.Core;
using KvReplicator.Preflight;
using KvReplicator.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace KvReplicator.DeadLettering;

internal static class DeadLetterServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RejectedDeliveryDeadLetterer"/> and, when <c>KvReplicator:DeadLetter</c> names a
    /// destination, a <see cref="BlobDeadLetterSink"/> as its <see cref="IDeadLetterSink"/> (validated at start-up).
    /// With a ServiceUri it signs in with the <see cref="TokenCredential"/> already registered, else with
    /// DefaultAzureCredential.
    /// </summary>
    internal static IServiceCollection AddRejectedDeliveryDeadLettering(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        if (AddContainer(services, configuration))
        {
            services.TryAddSingleton<IDeadLetterSink>(provider => new BlobDeadLetterSink(provider.GetBlobContainerClient<DeadLetterOptions>()));
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new RejectedDeliveryDeadLetterer(
            provider.GetService<IDeadLetterSink>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RejectedDeliveryDeadLetterer>>()));
        return services;
    }

    /// <summary>
    /// Registers the dead-letter container as an <see cref="IDeadLetterStore"/> for a host that only reads it
    /// (<c>kvrep status</c>), with its preflight check, when <c>KvReplicator:DeadLetter</c> names one.
    /// </summary>
    internal static IServiceCollection AddDeadLetterReading(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        if (AddContainer(services, configuration))
        {
            services.TryAddSingleton<IDeadLetterStore>(provider => new BlobDeadLetterStore(provider.GetBlobContainerClient<DeadLetterOptions>()));
        }

        return services;
    }

    /// <summary>
    /// Binds <c>KvReplicator:DeadLetter</c> (validated at start-up) and, when it names a container, registers its
    /// preflight check. Decided now, from configuration, so that an unconfigured sink or store is absent
    /// rather than a null registration. Returns whether a container is configured.
    /// </summary>
    private static bool AddContainer(IServiceCollection services, IConfiguration configuration)
    {
        services.AddBlobContainerOptions<DeadLetterOptions>(configuration, DeadLetterOptions.SectionName);
        if (configuration.GetSection(DeadLetterOptions.SectionName).Get<DeadLetterOptions>()?.IsConfigured != true)
        {
            return false;
        }

        services.AddSingleton<IStoreCheck>(provider => new BlobContainerAccessCheck(
            "Dead-letter container", DeadLetterOptions.SectionName, () => provider.GetBlobContainerClient<DeadLetterOptions>(BlobContainerConnection.SingleAttempt())));
        return true;
    }
}
