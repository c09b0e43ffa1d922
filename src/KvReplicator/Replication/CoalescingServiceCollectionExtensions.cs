using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KvReplicator.Replication;

internal static class CoalescingServiceCollectionExtensions
{
    /// <summary>Registers <see cref="VersionCoalescer"/>; options <c>KvReplicator:Coalescing</c>.</summary>
    internal static IServiceCollection AddVersionCoalescing(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CoalescingOptions>()
            .Bind(configuration.GetSection(CoalescingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<VersionCoalescer>();
        return services;
    }
}
