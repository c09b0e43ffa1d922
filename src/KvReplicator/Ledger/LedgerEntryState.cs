namespace KvReplicator.Ledger;

/// <summary>What a marker says about its version.</summary>
public enum LedgerEntryState
{
    /// <summary>A handler holds (or held, if <see cref="LedgerEntry.ClaimExpiresOn"/> has passed) a claim.</summary>
    Claimed,

    /// <summary>The version reached the target and the claim was committed.</summary>
    Done,

    /// <summary>The marker's metadata is missing or garbled; it is claimable once its last change is a claim timeout old.</summary>
    Unknown,
}
