namespace KvReplicator;

// Public only because the unit tests' theories (public methods) take it as a parameter.
/// <summary>How the replication of one event ended.</summary>
public enum ReplicationOutcomeKind
{
    /// <summary>The version was written to the target now.</summary>
    Replicated,

    /// <summary>The ledger says the version was already written; nothing was read or written.</summary>
    AlreadyDone,

    /// <summary>Nothing to do (ignored event type, excluded or filtered secret, disabled or vanished version).</summary>
    Skipped,

    /// <summary>A transient failure; the same delivery should be retried later.</summary>
    RetryLater,

    /// <summary>A permanent failure; retrying the same delivery cannot help.</summary>
    Rejected,
}
