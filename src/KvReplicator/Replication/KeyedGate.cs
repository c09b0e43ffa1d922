namespace KvReplicator.Replication;

/// <summary>
/// One async gate per key, created on first use and dropped when nobody holds or awaits it. The BCL has no
/// keyed async lock; a striped array would make unrelated secrets wait on each other's slow writes.
/// </summary>
internal sealed class KeyedGate
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Enters the key's gate, or returns null when <paramref name="wait"/> passes first.</summary>
    public async Task<IDisposable?> TryEnterAsync(string key, TimeSpan wait, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                entry = new Entry();
                _entries.Add(key, entry);
            }

            entry.Users++;
        }

        bool entered = false;
        try
        {
            if (entry.Semaphore.Wait(0, CancellationToken.None))
            {
                entered = true;
            }
            else
            {
                using var timeout = new CancellationTokenSource(wait, timeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                try
                {
                    await entry.Semaphore.WaitAsync(linked.Token).ConfigureAwait(false);
                    entered = true;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The wait ran out: the caller answers "retry later".
                }
            }

            return entered ? new Holder(this, key, entry) : null;
        }
        finally
        {
            if (!entered)
            {
                Leave(key, entry, release: false);
            }
        }
    }

    private void Leave(string key, Entry entry, bool release)
    {
        if (release)
        {
            entry.Semaphore.Release();
        }

        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(key);
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Holder(KeyedGate gate, string key, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Leave(key, entry, release: true);
            }
        }
    }
}
