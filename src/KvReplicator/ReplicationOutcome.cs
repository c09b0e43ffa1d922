namespace KvReplicator;

/// <summary>The result of handling one event, as a value each host maps to its own signal.</summary>
internal sealed record ReplicationOutcome
{
    public required ReplicationOutcomeKind Kind { get; init; }

    /// <summary>The version the outcome is about, when the event named one.</summary>
    public SecretVersionRef? Version { get; init; }

    /// <summary>The Secrets Manager name the version maps to, once it is known.</summary>
    public string? TargetName { get; init; }

    /// <summary>
    /// The AWS target (<c>KvReplicator:Targets:&lt;n&gt;:Id</c>) the outcome is about; null for the single, unnamed target
    /// and for the combined outcome of several targets (whose own outcomes are in <see cref="Targets"/>).
    /// </summary>
    public string? TargetId { get; init; }

    /// <summary>When the version went to several AWS targets: each target's own outcome. Null for one target.</summary>
    public IReadOnlyList<ReplicationOutcome>? Targets { get; init; }

    /// <summary>Why the event was skipped, deferred or rejected. Never contains a secret value.</summary>
    public string? Reason { get; init; }

    /// <summary>The store's error code behind a failure (e.g. Secrets Manager's <c>__type</c>), when there was one.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>True when the write created the target secret.</summary>
    public bool CreatedTarget { get; init; }

    /// <summary>True when the target was scheduled for deletion and had to be restored first.</summary>
    public bool RestoredTarget { get; init; }

    /// <summary>True when the version was written without becoming AWSCURRENT, because a newer one exists.</summary>
    public bool Superseded { get; init; }

    /// <summary>
    /// The version this handling made AWSCURRENT, which consumers are told about: the event's own version, a
    /// newer one written ahead of it (whose own event then finds it done), or one a killed handler wrote as
    /// current and this handling recovered. Null when it made none current.
    /// </summary>
    public string? MadeCurrent { get; init; }

    /// <summary>
    /// Set when a superseded version was coalesced rather than written (see <c>docs/reliability.md</c>): the
    /// newer version it was coalesced into. The outcome is <see cref="ReplicationOutcomeKind.Skipped"/> and
    /// the ledger records the version as done, coalesced.
    /// </summary>
    public string? CoalescedInto { get; init; }

    /// <summary>Something went wrong after the version was safely replicated (e.g. the consumer notification); never a value.</summary>
    public string? Warning { get; init; }

    public bool IsTransientFailure => Kind == ReplicationOutcomeKind.RetryLater;

    public bool IsPermanentFailure => Kind == ReplicationOutcomeKind.Rejected;

    public static ReplicationOutcome AlreadyDone(SecretVersionRef version, string targetName) =>
        new() { Kind = ReplicationOutcomeKind.AlreadyDone, Version = version, TargetName = targetName };

    public static ReplicationOutcome Skipped(SecretVersionRef? version, string reason, string? targetName = null) =>
        new() { Kind = ReplicationOutcomeKind.Skipped, Version = version, Reason = reason, TargetName = targetName };

    public static ReplicationOutcome RetryLater(SecretVersionRef? version, string reason, string? targetName = null) =>
        new() { Kind = ReplicationOutcomeKind.RetryLater, Version = version, Reason = reason, TargetName = targetName };

    public static ReplicationOutcome Rejected(SecretVersionRef? version, string reason, string? targetName = null) =>
        new() { Kind = ReplicationOutcomeKind.Rejected, Version = version, Reason = reason, TargetName = targetName };
}
