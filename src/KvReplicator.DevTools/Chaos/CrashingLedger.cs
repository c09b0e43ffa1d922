using KvReplicator.Ledger;

namespace KvReplicator.DevTools.Chaos;

/// <summary>The ledger as a crashing handler sees it: dies after taking a secret's lock or before recording what it wrote, and a dead handler frees nothing.</summary>
internal sealed class CrashingLedger : IReplicationLedger
{
    private readonly IReplicationLedger _inner;

    public CrashingLedger(IReplicationLedger inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    public Task<LedgerRecord> ReadAsync(LedgerKey key, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        return _inner.ReadAsync(key, cancellationToken);
    }

    public async Task<LedgerRecord?> TryWriteAsync(LedgerKey key, SecretLedgerState state, string? ifMatch, CancellationToken cancellationToken = default)
    {
        if (state.Lock is null)
        {
            // Recording what was written (and freeing the lock): the crash strikes before it lands.
            CrashPlan.At(CrashStep.BeforeCommit);
            return await _inner.TryWriteAsync(key, state, ifMatch, cancellationToken).ConfigureAwait(false);
        }

        CrashPlan.ThrowIfDead();
        LedgerRecord? written = await _inner.TryWriteAsync(key, state, ifMatch, cancellationToken).ConfigureAwait(false);
        if (written is not null)
        {
            CrashPlan.At(CrashStep.AfterLock);
        }

        return written;
    }

    public IAsyncEnumerable<LedgerRecord> ListAsync(CancellationToken cancellationToken = default) => _inner.ListAsync(cancellationToken);
}
