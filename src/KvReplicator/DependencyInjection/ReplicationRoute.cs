using KvReplicator.Diagnostics;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;

namespace KvReplicator.DependencyInjection;

/// <summary>
/// One vault replicated to one AWS target: its source, its target, the filters and names it replicates with, and
/// the use cases over them. Each route keeps its own ledger records (<see cref="LedgerKey.TargetId"/>).
/// </summary>
/// <param name="TargetId">The target's id; null for the single, unnamed target of <c>KvReplicator:SecretsManager</c>.</param>
/// <param name="Replicator">Null for a host that only compares (verify, status).</param>
internal sealed record ReplicationRoute(
    string VaultName,
    string? TargetId,
    ISecretSource Source,
    ISecretTarget Target,
    ReplicationOptions Replication,
    SecretReconciler Reconciler,
    SecretReplicator? Replicator)
{
    /// <summary>How reports and metrics name the target: its id, or <c>default</c>.</summary>
    public string TargetLabel => TargetId ?? TelemetryNames.DefaultTarget;
}
