using KvReplicator.Replication;

namespace KvReplicator.Reconciliation;

/// <summary>
/// Decides, from listings alone, how one secret's AWS copy compares with its source and what would converge
/// it. Versions are compared by id: AWS version ids are the Key Vault version ids they were written from, so
/// no value is read to plan.
/// </summary>
internal static class DriftPlanner
{
    /// <summary>Plans a secret that exists in Key Vault.</summary>
    /// <param name="latestEnabled">The newest enabled Key Vault version; null when every version is disabled.</param>
    public static ReconcileItem PlanSource(string vaultName, SourceSecretSummary source, string targetName, string? latestEnabled, TargetSecretSummary? target, bool adopt)
    {
        var item = new ReconcileItem
        {
            SourceName = source.Name,
            TargetName = targetName,
            SourceVersion = latestEnabled,
            TargetVersion = target?.CurrentVersionId,
            Kind = DriftKind.InSync,
            InSync = true,
        };

        if (latestEnabled is null)
        {
            // Policy: a disabled version is never replicated and never removed; with no enabled version there
            // is nothing AWSCURRENT may become, so AWS keeps what it has until a version is enabled again.
            return item with { Kind = DriftKind.Disabled, Detail = "every Key Vault version is disabled; AWS is left as it is" };
        }

        if (target is null)
        {
            return item with { Kind = DriftKind.Missing, InSync = false, Actions = ReconcileActions.Write, Detail = "not in AWS" };
        }

        if (!target.IsOwned)
        {
            return adopt
                ? item with { Kind = DriftKind.Conflict, InSync = false, Actions = ReconcileActions.Write | ReconcileActions.UpdateMetadata, Detail = "exists in AWS without the managed-by tag; taken over (--adopt)" }
                : item with { Kind = DriftKind.Conflict, InSync = false, Detail = "exists in AWS without the managed-by tag; not touched (--adopt takes it over)" };
        }

        if (!IsSameSource(target, vaultName, source.Name))
        {
            return item with { Kind = DriftKind.Conflict, InSync = false, Detail = $"replicated from {target.SourceVault}/{target.SourceName}; not touched" };
        }

        bool current = string.Equals(target.CurrentVersionId, latestEnabled, StringComparison.OrdinalIgnoreCase);
        bool held = target.VersionIds.Contains(latestEnabled);
        if (target.ScheduledForDeletion)
        {
            // The secret was recovered in Key Vault (or deleted in AWS behind our back): the write restores it.
            item = item with
            {
                Kind = DriftKind.Missing,
                InSync = false,
                Actions = ReconcileActions.Restore | (!current && held
                    ? target.CurrentVersionId is not null ? ReconcileActions.Promote : ReconcileActions.Write
                    : ReconcileActions.None),
                Detail = "scheduled for deletion in AWS",
            };
        }
        else if (!current)
        {
            item = item with
            {
                Kind = DriftKind.Stale,
                InSync = false,
                Actions = target.CurrentVersionId is not null && held ? ReconcileActions.Promote : ReconcileActions.Write,
                Detail = $"AWSCURRENT is {target.CurrentVersionId ?? "absent"}; the newest enabled Key Vault version is {latestEnabled}",
            };
        }

        if (!MetadataUpdate(vaultName, source, target).IsEmpty)
        {
            item = item.Kind == DriftKind.InSync
                ? item with { Kind = DriftKind.MetadataDrift, InSync = false, Actions = ReconcileActions.UpdateMetadata, Detail = "tags or description differ from Key Vault" }
                : item with { Actions = item.Actions | ReconcileActions.UpdateMetadata };
        }

        return item;
    }

    /// <summary>Plans an AWS secret of ours whose Key Vault secret is gone.</summary>
    public static ReconcileItem PlanOrphan(TargetSecretSummary target, string sourceName, ReconcileOptions options)
    {
        var item = new ReconcileItem { SourceName = sourceName, TargetName = target.Name, TargetVersion = target.CurrentVersionId, Kind = DriftKind.Extra, InSync = true };
        if (target.ScheduledForDeletion)
        {
            return item with { Detail = "gone from Key Vault; already scheduled for deletion in AWS" };
        }

        if (options.DeletionPolicy == DeletionPolicy.Retain)
        {
            return item with { Detail = "gone from Key Vault; retained in AWS by the deletion policy" };
        }

        return item with
        {
            InSync = false,
            Actions = ReconcileActions.Delete,
            Detail = options.ForceDeleteWithoutRecovery
                ? "gone from Key Vault; deleted in AWS without recovery"
                : $"gone from Key Vault; deleted in AWS with a {options.RecoveryWindowInDays}-day recovery window",
        };
    }

    public static TargetMetadataUpdate MetadataUpdate(string vaultName, SourceSecretSummary source, TargetSecretSummary target) =>
        ReplicatedMetadata.For(vaultName, source.Name, source.Tags, source.ContentType).UpdateFrom(target.Name, target.Tags, target.Description);

    private static bool IsSameSource(TargetSecretSummary target, string vaultName, string sourceName) =>
        (target.SourceVault is null || string.Equals(target.SourceVault, vaultName, StringComparison.OrdinalIgnoreCase))
        && (target.SourceName is null || string.Equals(target.SourceName, sourceName, StringComparison.OrdinalIgnoreCase));
}
