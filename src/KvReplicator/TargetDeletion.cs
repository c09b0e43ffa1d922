namespace KvReplicator;

/// <summary>How a target secret is deleted: recoverably for <see cref="RecoveryWindowInDays"/> days, or at once.</summary>
/// <param name="RecoveryWindowInDays">7 to 30; ignored when <paramref name="Force"/> is set.</param>
/// <param name="Force">Delete without a recovery window: the secret cannot be restored.</param>
internal sealed record TargetDeletion(int RecoveryWindowInDays, bool Force);
