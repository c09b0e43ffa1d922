namespace KvReplicator.DevTools.Bench;

/// <summary>One delivery attempt: what it was, how long the handler took, how long after the burst it finished, what it cost.</summary>
internal sealed record DeliveryRecord(DeliveryKind Kind, TimeSpan HandlerLatency, TimeSpan Lag, CallTally Calls);
