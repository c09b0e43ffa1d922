namespace KvReplicator;

/// <summary>A secret's record as read: its state (null when there is none yet) and the ETag that guards the next write.</summary>
/// <param name="ETag">Null when the record does not exist: the next write must create it.</param>
internal sealed record LedgerRecord(LedgerKey Key, SecretLedgerState? State, string? ETag)
{
    public static LedgerRecord Absent(LedgerKey key) => new(key, null, null);
}
