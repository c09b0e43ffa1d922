using System.Collections.Concurrent;

namespace KvReplicator.DevTools.Chaos;

/// <summary>What happened during a chaos run, counted from every thread at once.</summary>
public sealed class ChaosFigures
{
    private readonly ConcurrentDictionary<string, long> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _crashes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _deliveries = new(StringComparer.Ordinal);

    /// <summary>Faults injected, by edge and kind, e.g. <c>secrets-manager/throttling</c>.</summary>
    public IReadOnlyDictionary<string, long> Faults => Sorted(_faults);

    /// <summary>Handler crashes, by the step after which the handler died.</summary>
    public IReadOnlyDictionary<string, long> Crashes => Sorted(_crashes);

    /// <summary>Per-event outcomes the pipeline returned (a crashed handler returns none).</summary>
    public IReadOnlyDictionary<string, long> Outcomes => Sorted(_outcomes);

    /// <summary>Delivery attempts by what Event Grid saw: completed, retry, no-response, dead-lettered, duplicate…</summary>
    public IReadOnlyDictionary<string, long> Deliveries => Sorted(_deliveries);

    public void Fault(string edge, string kind) => _faults.AddOrUpdate($"{edge}/{kind}", 1, (_, n) => n + 1);

    public void Crash(CrashStep step) => _crashes.AddOrUpdate(step.ToString(), 1, (_, n) => n + 1);

    public void Outcome(string kind) => _outcomes.AddOrUpdate(kind, 1, (_, n) => n + 1);

    public void Delivery(string kind) => _deliveries.AddOrUpdate(kind, 1, (_, n) => n + 1);

    public long TotalFaults => _faults.Values.Sum();

    private static SortedDictionary<string, long> Sorted(ConcurrentDictionary<string, long> counts) => new(counts, StringComparer.Ordinal);
}
