using System.Threading.Channels;

namespace KvReplicator.LocalCloud.EventGrid;

/// <summary>A validated subscription, its queue and the loop that turns the queue into deliveries.</summary>
internal sealed class SubscriptionRuntime(LocalEventSubscription subscription, Channel<PendingEvent> queue)
{
    public LocalEventSubscription Subscription { get; } = subscription;

    public Channel<PendingEvent> Queue { get; } = queue;

    public Task? Dispatcher { get; set; }
}
