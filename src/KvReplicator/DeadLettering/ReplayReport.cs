namespace KvReplicator.DeadLettering;

/// <summary>What a replay run did, dead letter by dead letter. Files and the events in them are counted apart.</summary>
internal sealed record ReplayReport(string Location, bool DryRun, IReadOnlyList<DeadLetterReplayResult> DeadLetters)
{
    /// <summary>Files replayed in full and moved under replayed/ (or deleted).</summary>
    public int ReplayedCount => DeadLetters.Count(d => d.Status == DeadLetterReplayStatus.Replayed);

    /// <summary>Dead letters left in place because an event still fails (or the file could not be read or moved).</summary>
    public int FailedCount => DeadLetters.Count(d => d.Status == DeadLetterReplayStatus.Failed);

    /// <summary>Files that are not dead letters (not JSON, no events, not an array of events); left in place.</summary>
    public int UnreadableCount => DeadLetters.Count(d => d.Status == DeadLetterReplayStatus.Unreadable);

    /// <summary>Events in the dead letters that could be opened.</summary>
    public int EventCount => DeadLetters.Sum(d => d.Events.Count);

    /// <summary>Events that failed again (retry later or rejected); zero in a dry run.</summary>
    public int FailingEventCount => DeadLetters.Sum(d => d.Events.Count(e => e.Outcome is ReplicationOutcomeKind.RetryLater or ReplicationOutcomeKind.Rejected));

    /// <summary>True when nothing failed: every file was a dead letter and was replayed (or, in a dry run, readable).</summary>
    public bool Succeeded => FailedCount == 0 && UnreadableCount == 0;
}
