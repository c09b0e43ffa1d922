namespace KvReplicator.DevTools.Bench;

/// <summary>
/// What a run delivers, and in which order. Every pattern but <see cref="Phases"/> starts a fresh replicator
/// (a new container, or a new process with <c>--delivery process</c>) on secrets of its own, so nothing a
/// pattern before it left in memory can make its numbers.
/// </summary>
internal enum BenchPattern
{
    /// <summary>The three phases (cold, first versions, steady state in one burst or in rotation rounds) on one replicator.</summary>
    Phases,

    /// <summary>Versions delivered as created: version k of every secret created, then delivered, then k+1.</summary>
    AsCreated,

    /// <summary>Every version of every secret created first, then delivered in creation order.</summary>
    CreatedFirst,

    /// <summary>Every version created first, then delivered newest first.</summary>
    NewestFirst,

    /// <summary>As created, each event delivered three times at once: Event Grid's duplicates in flight together.</summary>
    Triplicate,

    /// <summary>Every version created first, then delivered in a seeded random order.</summary>
    Shuffled,

    /// <summary>Versions as created: the first round warms up, then rounds at concurrency 1, then rounds at <c>--concurrency</c>, for handler latency and CPU.</summary>
    Latency,

    /// <summary>One version created, then a fresh process started and the version delivered as soon as it is ready.</summary>
    ColdStart,
}

/// <summary>The command-line names of the patterns, and the ones <c>--pattern all</c> runs.</summary>
internal static class BenchPatterns
{
    /// <summary>The delivery orders issue 15 counts calls for, in the order <c>--pattern all</c> runs them.</summary>
    public static readonly BenchPattern[] Counting =
        [BenchPattern.AsCreated, BenchPattern.CreatedFirst, BenchPattern.NewestFirst, BenchPattern.Triplicate, BenchPattern.Shuffled];

    public static readonly IReadOnlyDictionary<BenchPattern, string> Names = new Dictionary<BenchPattern, string>
    {
        [BenchPattern.Phases] = "phases",
        [BenchPattern.AsCreated] = "as-created",
        [BenchPattern.CreatedFirst] = "created-first",
        [BenchPattern.NewestFirst] = "newest-first",
        [BenchPattern.Triplicate] = "triplicate",
        [BenchPattern.Shuffled] = "shuffled",
        [BenchPattern.Latency] = "latency",
        [BenchPattern.ColdStart] = "cold-start",
    };
}
