namespace KvReplicator.DeadLettering;

/// <summary>One event of a dead letter and what its replay did. Names and versions only, never a value.</summary>
internal sealed record ReplayedEvent
{
    public string? EventId { get; init; }

    public string? SecretName { get; init; }

    public string? Version { get; init; }

    /// <summary>Why Event Grid dead-lettered it, e.g. <c>MaxDeliveryAttemptsExceeded</c>.</summary>
    public string? DeadLetterReason { get; init; }

    /// <summary>The replay's outcome; null in a dry run.</summary>
    public ReplicationOutcomeKind? Outcome { get; init; }

    /// <summary>Why it was skipped or failed, or a warning after success.</summary>
    public string? Detail { get; init; }
}
