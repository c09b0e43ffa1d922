namespace KvReplicator.Reconciliation;

/// <summary>The result of one reconcile run, secret by secret.</summary>
public sealed record ReconcileReport
{
    public required bool DryRun { get; init; }

    public required IReadOnlyList<ReconcileItem> Items { get; init; }

    /// <summary>Write calls made to the target (writes, promotions, metadata updates, deletes); zero in a dry run.</summary>
    public int TargetWrites { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>True when every secret was in sync before the run.</summary>
    public bool InSync => Items.All(item => item.InSync);

    /// <summary>True when an action failed.</summary>
    public bool HasFailures => Items.Any(item => item.Status == ReconcileItemStatus.Failed);

    public int Count(DriftKind kind) => Items.Count(item => item.Kind == kind);
}
