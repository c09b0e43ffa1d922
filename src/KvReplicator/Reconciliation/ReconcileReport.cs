namespace KvReplicator.Reconciliation;

/// <summary>The result of one reconcile run, secret by secret.</summary>
internal sealed record ReconcileReport
{
    public required bool DryRun { get; init; }

    public required IReadOnlyList<ReconcileItem> Items { get; init; }

    /// <summary>Key Vault secrets the filters leave out (names, globs, the opt-in tag), which the run neither read nor wrote.</summary>
    public IReadOnlyList<ExcludedSecret> Excluded { get; init; } = [];

    /// <summary>
    /// AWS write calls sent (PutSecretValue, CreateSecret, TagResource, UntagResource, UpdateSecret,
    /// UpdateSecretVersionStage, RestoreSecret, DeleteSecret, PutResourcePolicy, ReplicateSecretToRegions; each attempt counts, as it does against the AWS
    /// quota), counted as they left for the wire; zero in a dry run.
    /// </summary>
    public int TargetWrites { get; init; }

    /// <summary><see cref="TargetWrites"/> by operation, in name order.</summary>
    public IReadOnlyDictionary<string, int> TargetWritesByOperation { get; init; } = new Dictionary<string, int>();

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Secrets found out of line with Key Vault.</summary>
    public int DriftFound => Items.Count(item => item.DriftFound);

    /// <summary>Secrets still out of line after the run: every one found in a dry run; those not repaired or failed otherwise.</summary>
    public int DriftLeft => Items.Count(item => item.DriftLeft);

    /// <summary>True when an action (or a read it needed) failed.</summary>
    public bool HasFailures => Items.Any(item => item.Status == ReconcileItemStatus.Failed);

    /// <summary>Secrets showing <paramref name="kind"/>, as their headline <see cref="ReconcileItem.Kind"/> or besides it.</summary>
    public int Count(DriftKind kind) => Items.Count(item => item.Kind == kind || item.SettingsDrifts.Contains(kind));
}
