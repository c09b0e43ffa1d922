using KvReplicator.Notifications;

namespace KvReplicator.IntegrationTests.Notifications;

/// <summary>Passes every notification on to the real notifier and counts the attempts.</summary>
internal sealed class CountingNotifier(IReplicationNotifier inner) : IReplicationNotifier
{
    private int _count;

    public int Count => _count;

    public Task NotifyAsync(ReplicationNotification notification, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return inner.NotifyAsync(notification, cancellationToken);
    }
}
