namespace KvReplicator.Ledger;

public sealed record LedgerClaimResult(LedgerClaimStatus Status, LedgerClaim? Claim)
{
    public static LedgerClaimResult AlreadyDone { get; } = new(LedgerClaimStatus.AlreadyDone, null);

    public static LedgerClaimResult InFlight { get; } = new(LedgerClaimStatus.InFlight, null);

    public static LedgerClaimResult Claimed(LedgerClaim claim) => new(LedgerClaimStatus.Claimed, claim ?? throw new ArgumentNullException(nameof(claim)));
}
