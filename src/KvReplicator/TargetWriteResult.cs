namespace KvReplicator;

/// <summary>What a write did besides writing the version, or why it wrote nothing.</summary>
/// <param name="CreatedSecret">The write created the target secret.</param>
/// <param name="RestoredSecret">The target was scheduled for deletion and was restored first.</param>
/// <param name="OwnershipVerified">The target is now known to be ours (created, checked, or adopted).</param>
/// <param name="TargetMissing">
/// Nothing was written: the target is gone (or holds no current version) although the caller's record said
/// otherwise, and this version is not to become current. Secrets Manager makes a secret's first version
/// AWSCURRENT whatever stages it is given, so the caller forgets what it knew and writes the newest version first.
/// </param>
internal sealed record TargetWriteResult(bool CreatedSecret, bool RestoredSecret, bool OwnershipVerified, bool TargetMissing = false)
{
    public static TargetWriteResult Missing { get; } = new(false, false, false, TargetMissing: true);
}
