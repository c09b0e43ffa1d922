namespace KvReplicator;

/// <summary>The default: notifications are off.</summary>
internal sealed class NoOpReplicationNotifier : IReplicationNotifier
{
    public static NoOpReplicationNotifier Instance { get; } = new();

    public Task NotifyAsync(ReplicationNotification notification, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
