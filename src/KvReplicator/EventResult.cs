namespace KvReplicator;

/// <summary>One event of a delivery and its outcome.</summary>
internal sealed record EventResult(KeyVaultEvent Event, ReplicationOutcome Outcome);
