using KvReplicator.Ledger;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// The real ledger until <see cref="Kill"/>; after it, every call fails as if the process had died, so a
/// handler cannot record what it wrote nor free its lock: the lock and its intent stay in the ledger, as
/// after a killed process, for the next delivery to take over once it expires.
/// </summary>
internal sealed class KillableLedger(IReplicationLedger inner) : IReplicationLedger
{
    private volatile bool _killed;

    public void Kill() => _killed = true;

    public Task<LedgerRecord> ReadAsync(LedgerKey key, CancellationToken cancellationToken = default)
    {
        ThrowIfKilled();
        return inner.ReadAsync(key, cancellationToken);
    }

    public Task<LedgerRecord?> TryWriteAsync(LedgerKey key, SecretLedgerState state, string? ifMatch, CancellationToken cancellationToken = default)
    {
        ThrowIfKilled();
        return inner.TryWriteAsync(key, state, ifMatch, cancellationToken);
    }

    public IAsyncEnumerable<LedgerRecord> ListAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfKilled();
        return inner.ListAsync(cancellationToken);
    }

    private void ThrowIfKilled()
    {
        if (_killed)
        {
            throw new IOException("the replicator process was killed (injected)");
        }
    }
}
