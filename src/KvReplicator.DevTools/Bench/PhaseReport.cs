namespace KvReplicator.DevTools.Bench;

/// <summary>The figures of one phase of the run, as printed and as written by <c>--json</c>.</summary>
internal sealed record PhaseReport
{
    public required string Name { get; init; }

    /// <summary>What the phase delivers and so what its figures stand for.</summary>
    public required string Description { get; init; }

    public required int Deliveries { get; init; }

    public required int NewVersions { get; init; }

    public required int Duplicates { get; init; }

    /// <summary>Deliveries a replicator in another process answered 200 (replicated, or found done: its answer does not say).</summary>
    public int AcknowledgedDeliveries { get; init; }

    /// <summary>Distinct Key Vault versions the phase delivered; 0 for the three-phase run, whose figures are per delivery.</summary>
    public int VersionsCreated { get; init; }

    /// <summary>Deliveries beyond the first of each event.</summary>
    public int DuplicateDeliveries { get; init; }

    /// <summary>Answers "retry later" (HTTP 503): in flight elsewhere, lock held, or a transient failure; each was redelivered.</summary>
    public int RetryLaterAnswers { get; init; }

    /// <summary><see cref="RetryLaterAnswers"/> / <see cref="DuplicateDeliveries"/>; null without duplicates.</summary>
    public double? RetryLaterShareOfDuplicates { get; init; }

    /// <summary>Every remote call of the phase (in and outside deliveries) per version delivered, by service, then by "service/operation", and "All".</summary>
    public IReadOnlyDictionary<string, double>? CallsPerVersion { get; init; }

    /// <summary>CPU seconds of the replicator's own process during the phase (process delivery only).</summary>
    public double? ReplicatorCpuSeconds { get; init; }

    public double? ReplicatorCpuSecondsPer1000Versions { get; init; }

    public ColdStartReport? ColdStart { get; init; }

    /// <summary>Attempts answered "in flight" (another delivery held the claim), redelivered later.</summary>
    public required int InFlightRedeliveries { get; init; }

    public required int TransientFailures { get; init; }

    public required int Failures { get; init; }

    public required double DurationSeconds { get; init; }

    public required double VersionsPerSecond { get; init; }

    /// <summary>Time inside the handler for the deliveries that replicated a version.</summary>
    public required LatencySummary HandlerLatencyMs { get; init; }

    /// <summary>Time inside the handler for duplicate deliveries.</summary>
    public required LatencySummary DuplicateHandlerLatencyMs { get; init; }

    /// <summary>From the burst's publication (the phase's start) to the version's replication, queueing and redeliveries included.</summary>
    public required LatencySummary EndToEndLagMs { get; init; }

    /// <summary>Calls per replicated version, by service, then by "service/operation".</summary>
    public required IReadOnlyDictionary<string, double> CallsPerNewVersion { get; init; }

    /// <summary>Milliseconds per replicated version spent waiting for each service (request sent to response read), by service.</summary>
    public required IReadOnlyDictionary<string, double> MillisecondsInServicePerNewVersion { get; init; }

    /// <summary>Calls per duplicate delivery (in-flight attempts included), by service, then by "service/operation".</summary>
    public required IReadOnlyDictionary<string, double> CallsPerDuplicate { get; init; }

    /// <summary>Every call of the phase, by "service/operation".</summary>
    public required IReadOnlyDictionary<string, int> TotalCalls { get; init; }

    public required double PeakWorkingSetMegabytes { get; init; }

    public PhaseProfile? Profile { get; init; }
}
