namespace KvReplicator.DevTools.Bench;

/// <summary>How the bench hands an Event Grid delivery to the replicator, and so what its latencies include.</summary>
internal interface IBenchDelivery : IAsyncDisposable
{
    /// <summary>One line for the report: the path a delivery takes.</summary>
    string Description { get; }

    /// <summary>CPU time the replicator has used so far, when it runs in a process of its own; null when it shares the bench's.</summary>
    TimeSpan? ReplicatorCpuTime() => null;

    /// <summary>Delivers once, charging the replicator's remote calls to <paramref name="calls"/>, and says what the delivery turned out to be.</summary>
    Task<DeliveryKind> DeliverAsync(PlannedDelivery delivery, CallTally calls, CancellationToken cancellationToken = default);
}
