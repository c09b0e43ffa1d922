namespace KvReplicator;

/// <summary>The outcome of a whole delivery (one event or an Event Grid batch).</summary>
internal sealed record DeliveryResult(IReadOnlyList<EventResult> Events)
{
    /// <summary>
    /// Event Grid retries or dead-letters a batch as a whole. A transient failure anywhere wins, because a
    /// retry is harmless for the events that succeeded (the ledger answers "already done") and is the only
    /// way the failed one gets another chance; a permanent failure alone dead-letters the batch.
    /// </summary>
    public DeliveryDisposition Disposition =>
        Events.Any(e => e.Outcome.IsTransientFailure) ? DeliveryDisposition.RetryLater
        : Events.Any(e => e.Outcome.IsPermanentFailure) ? DeliveryDisposition.Rejected
        : DeliveryDisposition.Completed;

    /// <summary>A one-line summary of the failures, safe to log or return to the sender.</summary>
    public string Summary => string.Join("; ", Events
        .Where(e => e.Outcome.Kind is ReplicationOutcomeKind.RetryLater or ReplicationOutcomeKind.Rejected)
        .Select(e => $"{e.Event.EventId ?? "(no id)"}: {e.Outcome.Reason}"));
}
