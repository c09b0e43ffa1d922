namespace KvReplicator.Replay;

/// <summary>What a replay run did, dead letter by dead letter.</summary>
public sealed record ReplayReport(string Location, bool DryRun, IReadOnlyList<DeadLetterReplayResult> DeadLetters)
{
    public int ReplayedCount => DeadLetters.Count(d => d.Status == DeadLetterReplayStatus.Replayed);

    public int FailedCount => DeadLetters.Count(d => d.Status is DeadLetterReplayStatus.Failed or DeadLetterReplayStatus.Unreadable);

    /// <summary>True when nothing failed: every dead letter was replayed (or, in a dry run, readable).</summary>
    public bool Succeeded => FailedCount == 0;
}
