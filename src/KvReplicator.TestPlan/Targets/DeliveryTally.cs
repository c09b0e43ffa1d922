namespace KvReplicator.TestPlan.Targets;

/// <summary>Event Grid's view of deliveries to the replicator, counted per event.</summary>
public sealed record DeliveryTally(long Delivered, long Retried, long DeadLettered, long Duplicated);
