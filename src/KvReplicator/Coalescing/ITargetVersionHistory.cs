namespace KvReplicator.Coalescing;

/// <summary>How many versions a target secret holds that its store will not delete yet.</summary>
public interface ITargetVersionHistory
{
    /// <summary>Versions of <paramref name="targetName"/> created at or after <paramref name="since"/>, deprecated ones included; 0 when the secret does not exist.</summary>
    /// <exception cref="KvReplicator.Replication.SecretStoreException">The store failed.</exception>
    Task<int> CountVersionsCreatedSinceAsync(string targetName, DateTimeOffset since, CancellationToken cancellationToken = default);
}
