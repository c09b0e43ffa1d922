using KvReplicator.Events;

namespace KvReplicator.Ledger;

/// <summary>
/// Remembers which versions were replicated, so that duplicate deliveries cost nothing. A claim is only
/// "done" once committed after the target write; a released or expired claim lets the next delivery
/// replicate the version again, so a failure half-way never loses it.
/// </summary>
public interface IReplicationLedger
{
    /// <summary>Claims a version for this handler, or says it is done or in flight elsewhere.</summary>
    Task<LedgerClaimResult> TryClaimAsync(SecretVersionRef version, CancellationToken cancellationToken = default);

    /// <summary>Marks a claimed version as replicated. Returns false when the claim was lost (expired and taken over).</summary>
    Task<bool> CommitAsync(LedgerClaim claim, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks a claimed version as done without writing it: it was coalesced into the newer version
    /// <paramref name="coalescedInto"/> (see <see cref="Coalescing.VersionCoalescer"/>). A duplicate delivery then
    /// finds it done. Ledgers that cannot record why fall back to a plain commit.
    /// </summary>
    Task<bool> CommitCoalescedAsync(LedgerClaim claim, string coalescedInto, CancellationToken cancellationToken = default) =>
        CommitAsync(claim, cancellationToken);

    /// <summary>Gives a claim up so the next delivery can retry at once. Best effort: an expired claim is taken over anyway.</summary>
    Task ReleaseAsync(LedgerClaim claim, CancellationToken cancellationToken = default);
}
