namespace KvReplicator;

// Public only because the unit tests' theories (public methods) take it as a parameter.
/// <summary>What a host should tell the sender of a delivery (Event Grid, a replay, a test).</summary>
public enum DeliveryDisposition
{
    /// <summary>Every event was replicated, already done or skipped: acknowledge (HTTP 200, return).</summary>
    Completed,

    /// <summary>At least one event failed transiently: ask for a retry (HTTP 503, throw).</summary>
    RetryLater,

    /// <summary>Nothing failed transiently but something can never succeed: dead-letter (HTTP 400, log and return).</summary>
    Rejected,
}
