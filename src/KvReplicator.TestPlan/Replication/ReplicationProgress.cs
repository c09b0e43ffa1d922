namespace KvReplicator.TestPlan.Replication;

/// <summary>How far a run is: versions written so far, and how many of them Secrets Manager has.</summary>
public readonly record struct ReplicationProgress(int Written, int Seen, int Planned);
