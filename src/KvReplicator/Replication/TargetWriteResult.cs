namespace KvReplicator.Replication;

/// <summary>What a write had to do besides writing the version.</summary>
public sealed record TargetWriteResult(bool CreatedSecret, bool RestoredSecret);
