namespace KvReplicator;

/// <summary>
/// Tells consumers that a new version reached the target, so caches refresh at once instead of waiting
/// for their TTL. Called only after a version was written and committed, never for "already done".
/// </summary>
internal interface IReplicationNotifier
{
    /// <exception cref="SecretStoreException">The notification could not be sent; the version is replicated anyway.</exception>
    Task NotifyAsync(ReplicationNotification notification, CancellationToken cancellationToken = default);
}
