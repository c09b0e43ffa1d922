namespace KvReplicator.LocalCloud.EventGrid;

/// <summary>Why and when an event was given up, in Event Grid's dead-letter property names.</summary>
internal sealed record DeadLetterRecord(string Reason, int DeliveryAttempts, DeliveryAttempt? LastAttempt, DateTimeOffset PublishTime);
