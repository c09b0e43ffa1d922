namespace KvReplicator.Reconciliation;

/// <summary>A Key Vault secret the replication filters leave out, and the filter's reason.</summary>
internal sealed record ExcludedSecret(string Name, string Reason);
