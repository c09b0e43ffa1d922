using System.Collections.Concurrent;
using KvReplicator.Notifications;

namespace KvReplicator.IntegrationTests.Notifications;

/// <summary>Passes every notification on to the real notifier and counts the attempts, keeping the versions named.</summary>
internal sealed class CountingNotifier(IReplicationNotifier inner) : IReplicationNotifier
{
    private readonly ConcurrentQueue<string> _versions = new();

    public int Count => _versions.Count;

    /// <summary>The versions notified, in the order the attempts were made.</summary>
    public IReadOnlyList<string> Versions => [.. _versions];

    public Task NotifyAsync(ReplicationNotification notification, CancellationToken cancellationToken = default)
    {
        _versions.Enqueue(notification.VersionId);
        return inner.NotifyAsync(notification, cancellationToken);
    }
}
