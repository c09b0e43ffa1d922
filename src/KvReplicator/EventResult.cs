namespace KvReplicator;

/// <summary>One event of a delivery and its outcome.</summary>
public sealed record EventResult(KeyVaultEvent Event, ReplicationOutcome Outcome);
