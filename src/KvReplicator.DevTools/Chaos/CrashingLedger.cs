using KvReplicator.Events;
using KvReplicator.Ledger;

namespace KvReplicator.DevTools.Chaos;

/// <summary>The ledger as a crashing handler sees it: dies after a claim or before a commit, and a dead handler releases nothing.</summary>
public sealed class CrashingLedger : IReplicationLedger
{
    private readonly IReplicationLedger _inner;

    public CrashingLedger(IReplicationLedger inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    public async Task<LedgerClaimResult> TryClaimAsync(SecretVersionRef version, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        LedgerClaimResult result = await _inner.TryClaimAsync(version, cancellationToken).ConfigureAwait(false);
        if (result.Status == LedgerClaimStatus.Claimed)
        {
            CrashPlan.At(CrashStep.AfterClaim);
        }

        return result;
    }

    public Task<bool> CommitAsync(LedgerClaim claim, CancellationToken cancellationToken = default)
    {
        CrashPlan.At(CrashStep.BeforeCommit);
        return _inner.CommitAsync(claim, cancellationToken);
    }

    public Task ReleaseAsync(LedgerClaim claim, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        return _inner.ReleaseAsync(claim, cancellationToken);
    }
}
