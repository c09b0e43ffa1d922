namespace KvReplicator.Replication;

/// <summary>Where secrets are replicated to (Secrets Manager).</summary>
public interface ISecretTarget
{
    /// <summary>
    /// Writes one version idempotently: the version id is the write's idempotency token, so writing the
    /// same version twice leaves one target version. Creates, restores or re-creates the target as needed.
    /// </summary>
    /// <exception cref="SecretStoreException">The store failed; <see cref="SecretStoreException.IsTransient"/> says whether to retry.</exception>
    Task<TargetWriteResult> WriteAsync(TargetSecretWrite write, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="versionId"/> current in place of <paramref name="expectedCurrentVersionId"/>,
    /// only if the target holds that version and the current one is still the expected one.
    /// Returns false, changing nothing, when either condition does not hold.
    /// </summary>
    Task<bool> PromoteAsync(string targetName, string versionId, string expectedCurrentVersionId, CancellationToken cancellationToken = default);
}
