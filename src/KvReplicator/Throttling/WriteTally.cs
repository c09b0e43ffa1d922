using System.Collections.Concurrent;

namespace KvReplicator.Throttling;

/// <summary>Write calls counted by operation; safe to add to from parallel flows.</summary>
internal sealed class WriteTally
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Count => _counts.Values.Sum();

    /// <summary>The counts by operation, in name order.</summary>
    public IReadOnlyDictionary<string, int> ByOperation =>
        new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);

    internal void Add(string operation) => _counts.AddOrUpdate(operation, 1, (_, count) => count + 1);
}
