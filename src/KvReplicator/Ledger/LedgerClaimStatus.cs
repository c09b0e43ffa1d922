namespace KvReplicator.Ledger;

public enum LedgerClaimStatus
{
    /// <summary>This handler owns the version until it commits, releases, or the claim expires.</summary>
    Claimed,

    /// <summary>The version was replicated before.</summary>
    AlreadyDone,

    /// <summary>Another handler holds an unexpired claim.</summary>
    InFlight,
}
