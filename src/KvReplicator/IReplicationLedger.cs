namespace KvReplicator;

/// <summary>
/// One record per secret (<see cref="SecretLedgerState"/>): what was replicated, what AWS holds as current and
/// previous, whether the target is ours, and the short lock that serialises writes to the secret. Every write
/// is conditional on the ETag last read, so of two racing handlers exactly one wins each step; what the
/// state means is decided by the replicator, not by the store.
/// </summary>
internal interface IReplicationLedger
{
    /// <summary>The record of a secret, or <see cref="LedgerRecord.Absent"/> when there is none.</summary>
    /// <exception cref="SecretStoreException">The store failed.</exception>
    Task<LedgerRecord> ReadAsync(LedgerKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="state"/> only if the record is still the one read: with <paramref name="ifMatch"/>
    /// null, only if there is no record yet. Returns the record as written, or null (writing nothing) when
    /// someone else changed it first.
    /// </summary>
    /// <exception cref="SecretStoreException">The store failed.</exception>
    Task<LedgerRecord?> TryWriteAsync(LedgerKey key, SecretLedgerState state, string? ifMatch, CancellationToken cancellationToken = default);

    /// <summary>Every record, e.g. for <c>kvrep status</c> or to check that no lock stays held.</summary>
    IAsyncEnumerable<LedgerRecord> ListAsync(CancellationToken cancellationToken = default);
}
