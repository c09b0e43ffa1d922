using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using KvReplicator.Ledger;

namespace KvReplicator.Tests.Fakes;

/// <summary>
/// The ledger as Blob Storage keeps it, in memory: one record per secret, stored as the JSON the Blob ledger
/// writes, with an ETag that changes on every write and writes that succeed only on the ETag read (or on no
/// record for a first write). Counts every call; hooks fake a slow, failing or vanished store.
/// </summary>
internal sealed class InMemoryReplicationLedger : IReplicationLedger
{
    private readonly Dictionary<string, (byte[] Json, string ETag)> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _reads = new();
    private int _etags;
    private int _writes;
    private int _refusedWrites;

    /// <summary>The record names read, in order.</summary>
    public IReadOnlyCollection<string> ReadRecords => _reads;

    public int Reads => _reads.Count;

    /// <summary>Writes attempted, refused ones included.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Writes refused because the record changed since it was read.</summary>
    public int RefusedWrites => Volatile.Read(ref _refusedWrites);

    public int Calls => Reads + Writes;

    /// <summary>Runs before every read; may throw or wait.</summary>
    public Func<LedgerKey, CancellationToken, Task>? BeforeRead { get; set; }

    /// <summary>Runs before every write with the state to be written; may throw or wait.</summary>
    public Func<LedgerKey, SecretLedgerState, CancellationToken, Task>? BeforeWrite { get; set; }

    /// <summary>The secret's stored state, or null when it has no record.</summary>
    public SecretLedgerState? StateOf(string vaultName, string secretName)
    {
        lock (_records)
        {
            return _records.TryGetValue(new LedgerKey(vaultName, secretName).RecordName, out var record) ? Parse(record.Json) : null;
        }
    }

    /// <summary>Stores a record as another process would have written it.</summary>
    public void Put(SecretLedgerState state)
    {
        lock (_records)
        {
            _records[new LedgerKey(state.Vault, state.Secret).RecordName] = (Serialize(state), NextETag());
        }
    }

    public async Task<LedgerRecord> ReadAsync(LedgerKey key, CancellationToken cancellationToken = default)
    {
        _reads.Enqueue(key.RecordName);
        if (BeforeRead is { } before)
        {
            await before(key, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_records)
        {
            return _records.TryGetValue(key.RecordName, out var record) ? new LedgerRecord(key, Parse(record.Json), record.ETag) : LedgerRecord.Absent(key);
        }
    }

    public async Task<LedgerRecord?> TryWriteAsync(LedgerKey key, SecretLedgerState state, string? ifMatch, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _writes);
        if (BeforeWrite is { } before)
        {
            await before(key, state, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_records)
        {
            bool exists = _records.TryGetValue(key.RecordName, out var current);
            if (ifMatch is null ? exists : !exists || current.ETag != ifMatch)
            {
                Interlocked.Increment(ref _refusedWrites);
                return null;
            }

            string etag = NextETag();
            byte[] json = Serialize(state);
            _records[key.RecordName] = (json, etag);
            return new LedgerRecord(key, Parse(json), etag);
        }
    }

    public async IAsyncEnumerable<LedgerRecord> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        List<LedgerRecord> records;
        lock (_records)
        {
            records = [.. _records.Values.Select(record => Parse(record.Json)!).Select(state => new LedgerKey(state.Vault, state.Secret))
                .Select(key => new LedgerRecord(key, Parse(_records[key.RecordName].Json), _records[key.RecordName].ETag))];
        }

        foreach (LedgerRecord record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }
    }

    private string NextETag() => $"\"0x{Interlocked.Increment(ref _etags):X8}\"";

    // Through the Blob ledger's own serialisation: what cannot be written cannot be read back either.
    private static byte[] Serialize(SecretLedgerState state) => JsonSerializer.SerializeToUtf8Bytes(state, LedgerJsonContext.Default.SecretLedgerState);

    private static SecretLedgerState? Parse(byte[] json) => JsonSerializer.Deserialize(json, LedgerJsonContext.Default.SecretLedgerState);
}
