namespace KvReplicator.Replication;

/// <summary>What a write had to do besides writing the version, or why it wrote nothing.</summary>
/// <param name="CreatedSecret">The write created the target secret.</param>
/// <param name="RestoredSecret">The target was scheduled for deletion and was restored first.</param>
/// <param name="NeedsCurrentVersionFirst">
/// Nothing was written: the version is not to become current, but the target holds no version yet, and
/// Secrets Manager makes the first version of a secret current whatever stages it is given. The caller
/// writes the current version first, then this one again.
/// </param>
/// <param name="VersionIsCurrent">
/// The target reported the written version as current after the write. For a version written as not current
/// this means an earlier delivery left it current (its hand-back to a newer version failed), which the caller
/// repairs.
/// </param>
public sealed record TargetWriteResult(bool CreatedSecret, bool RestoredSecret, bool NeedsCurrentVersionFirst = false, bool VersionIsCurrent = false)
{
    public static TargetWriteResult CurrentVersionNeededFirst { get; } = new(false, false, NeedsCurrentVersionFirst: true);
}
