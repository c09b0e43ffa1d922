namespace KvReplicator.DevTools.Bench;

/// <summary>A whole run: the machine, the workload, each phase and the check of what reached AWS.</summary>
internal sealed record BenchReport
{
    public required BenchMachine Machine { get; init; }

    public required int Secrets { get; init; }

    public required int VersionsPerSecret { get; init; }

    public required int Concurrency { get; init; }

    public required double DuplicateRate { get; init; }

    public required bool Shuffled { get; init; }

    public required int Seed { get; init; }

    /// <summary>True when the steady state was delivered one rotation round at a time.</summary>
    public required bool RotationRounds { get; init; }

    public required string Schema { get; init; }

    /// <summary>How events reach the handler, i.e. what the latencies include.</summary>
    public required string Delivery { get; init; }

    /// <summary>The patterns run, in order (each on a fresh replicator but "phases").</summary>
    public IReadOnlyList<string> Patterns { get; init; } = [];

    /// <summary>The kvrep.dll builds run as child processes, LABEL=PATH.</summary>
    public IReadOnlyList<string> Replicators { get; init; } = [];

    /// <summary>The replicator settings the run overrode (names only; values are in the command line).</summary>
    public required IReadOnlyList<string> Settings { get; init; }

    public required IReadOnlyList<PhaseReport> Phases { get; init; }

    public required BenchVerification Verification { get; init; }

    /// <summary>The bench process's peak working set: the replicator, the local Key Vault and the bench's own bookkeeping.</summary>
    public required double PeakWorkingSetMegabytes { get; init; }

    public required double TotalSeconds { get; init; }
}
