namespace KvReplicator.Reconciliation;

/// <summary>Progress of a run: secrets finished out of secrets planned, and the one just finished.</summary>
internal readonly record struct ReconcileProgress(int Completed, int Total, string? LastTargetName);
