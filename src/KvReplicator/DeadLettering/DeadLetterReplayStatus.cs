namespace KvReplicator.DeadLettering;

/// <summary>How the replay of one dead letter ended.</summary>
internal enum DeadLetterReplayStatus
{
    /// <summary>Every event was replicated, already done or skipped; the dead letter was moved or deleted.</summary>
    Replayed,

    /// <summary>At least one event failed again; the dead letter stays where it is.</summary>
    Failed,

    /// <summary>The file is not a dead letter (not JSON, no events); it stays where it is.</summary>
    Unreadable,

    /// <summary>Dry run: the events were read and listed, nothing was replicated or moved.</summary>
    Planned,
}
