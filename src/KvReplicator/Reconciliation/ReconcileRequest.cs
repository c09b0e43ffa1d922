namespace KvReplicator.Reconciliation;

/// <summary>One reconcile run.</summary>
internal sealed record ReconcileRequest
{
    /// <summary>Plan only: list, read, compare and report, but write nothing (what <c>kvrep verify</c> runs).</summary>
    public bool DryRun { get; init; }

    /// <summary>Take over AWS secrets with a source's name that lack our ownership tag, instead of reporting them as conflicts.</summary>
    public bool Adopt { get; init; }
}
