using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KvReplicator.Notifications;

internal static class NotificationsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="IReplicationNotifier"/>: the SQS FIFO notifier when
    /// <c>KvReplicator:Notifications:Enabled</c> is true, a no-op otherwise. Options are validated at start.
    /// </summary>
    internal static IServiceCollection AddReplicationNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<NotificationOptions>()
            .Bind(configuration.GetSection(NotificationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<IReplicationNotifier>(provider =>
        {
            NotificationOptions options = provider.GetRequiredService<IOptions<NotificationOptions>>().Value;
            return options.Enabled
                ? new SqsReplicationNotifier(options, provider.GetRequiredService<ICredentialSource>())
                : NoOpReplicationNotifier.Instance;
        });
        return services;
    }
}
