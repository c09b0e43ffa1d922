namespace KvReplicator.Reconciliation;

/// <summary>One reconcile run.</summary>
public sealed record ReconcileRequest
{
    /// <summary>Plan only: list, compare and report, but write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Take over AWS secrets with a source's name that lack our ownership tag, instead of reporting them as conflicts.</summary>
    public bool Adopt { get; init; }

    /// <summary>
    /// Also read both current values and compare their SHA-256 (what <c>kvrep verify</c> does); costs one
    /// read on each side per secret. Sync compares version ids only.
    /// </summary>
    public bool CompareValues { get; init; }
}
