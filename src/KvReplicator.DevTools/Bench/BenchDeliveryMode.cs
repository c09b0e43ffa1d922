namespace KvReplicator.DevTools.Bench;

/// <summary>Where the bench sends its deliveries.</summary>
internal enum BenchDeliveryMode
{
    /// <summary>Straight into <c>KeyVaultEventProcessor.ProcessAsync(BinaryData)</c>: the handler alone.</summary>
    Direct,

    /// <summary>Over HTTP to an in-process <c>kvrep serve</c>: the handler plus the HTTP hop and the webhook.</summary>
    Http,

    /// <summary>Over HTTP to <c>kvrep serve</c> in a child process: a fresh replicator per pattern, its CPU its own, its calls counted on the wire.</summary>
    Process,
}
