namespace KvReplicator.DevTools.Chaos;

/// <summary>
/// Decides, from one seeded random sequence, whether the next call at an edge fails and how. Calls arrive
/// from several handlers at once, so the sequence is shared under a lock; the draws are reproducible for a
/// given seed up to the interleaving of concurrent handlers.
/// </summary>
public sealed class FaultInjector
{
    private readonly Random _random;
    private readonly double _rate;
    private readonly ChaosFigures _figures;
    private readonly Lock _gate = new();

    public FaultInjector(int seed, double rate, ChaosFigures figures)
    {
        _random = new Random(seed);
        _rate = rate;
        _figures = figures ?? throw new ArgumentNullException(nameof(figures));
    }

    /// <summary>Injection can be paused, e.g. while the run checks what reached the stores.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The fault to inject into this call at <paramref name="edge"/>, or null to let it through.</summary>
    public string? Next(string edge, IReadOnlyList<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        if (!Enabled || kinds.Count == 0)
        {
            return null;
        }

        string kind;
        lock (_gate)
        {
            if (_random.NextDouble() >= _rate)
            {
                return null;
            }

            kind = kinds[_random.Next(kinds.Count)];
        }

        _figures.Fault(edge, kind);
        return kind;
    }
}
