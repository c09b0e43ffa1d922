namespace KvReplicator.DevTools.Bench;

/// <summary>What one delivery attempt turned out to be, judged by the pipeline's outcome.</summary>
internal enum DeliveryKind
{
    /// <summary>The version was copied to Secrets Manager by this delivery.</summary>
    NewVersion,

    /// <summary>The ledger already had the version as done: a duplicate delivery.</summary>
    Duplicate,

    /// <summary>
    /// Answered 200 by a replicator in another process, whose answer does not say whether it replicated the
    /// version or found it done; its calls are counted per phase, not per delivery.
    /// </summary>
    Acknowledged,

    /// <summary>Another delivery of the same version held the claim; redelivered later, as Event Grid would.</summary>
    InFlight,

    /// <summary>A transient failure; redelivered later.</summary>
    TransientFailure,

    /// <summary>Rejected, skipped or threw: the run is not consistent.</summary>
    Failed,
}
