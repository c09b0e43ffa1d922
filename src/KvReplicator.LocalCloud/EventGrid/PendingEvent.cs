namespace KvReplicator.LocalCloud.EventGrid;

/// <summary>An event queued for one subscription; a duplicate is the same instance queued twice.</summary>
internal sealed record PendingEvent(GridEvent Event, DateTimeOffset PublishTime);
