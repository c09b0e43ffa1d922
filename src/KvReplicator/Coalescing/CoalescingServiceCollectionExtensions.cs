using KvReplicator.SecretsManager;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KvReplicator.Coalescing;

internal static class CoalescingServiceCollectionExtensions
{
    /// <summary>Registers <see cref="VersionCoalescer"/> over the Secrets Manager version history; options <c>KvReplicator:Coalescing</c>.</summary>
    internal static IServiceCollection AddVersionCoalescing(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CoalescingOptions>()
            .Bind(configuration.GetSection(CoalescingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITargetVersionHistory>(provider => new SecretsManagerVersionHistory(provider.GetRequiredService<SecretsManagerClient>()));
        services.TryAddSingleton<VersionCoalescer>();
        return services;
    }
}
