namespace KvReplicator.Replication;

/// <summary>Whether a superseded version is written or coalesced into the newer one, and why.</summary>
/// <param name="Coalesce">True: do not write the version; record it as coalesced.</param>
/// <param name="Reason">Why it is coalesced, for the outcome and the logs; null when it is written.</param>
internal sealed record CoalescingDecision(bool Coalesce, string? Reason)
{
    public static CoalescingDecision Write { get; } = new(false, null);
}
