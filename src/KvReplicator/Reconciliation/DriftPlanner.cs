
namespace KvReplicator.Reconciliation;

/// <summary>
/// Decides how one secret's AWS copy compares with its source and what would converge it, from the listings,
/// the current source version (the newest enabled one, as read) and the SHA-256 of the values involved. Pure:
/// it reads and writes nothing, so a dry run, <c>kvrep verify</c> and <c>kvrep sync</c> plan alike.
/// </summary>
/// <remarks>
/// Version ids come first: an AWS version id is the Key Vault version id it was written from (the write's
/// ClientRequestToken). Values then check what ids cannot: that the version AWS holds under that id carries
/// the Key Vault value, since anyone with write access can use the same token for another value.
/// </remarks>
internal static class DriftPlanner
{
    /// <summary>Plans a secret whose every Key Vault version is disabled.</summary>
    public static ReconcileItem PlanDisabled(string sourceName, string targetName, TargetSecretSummary? target) => new()
    {
        // Policy: a disabled version is never replicated and never removed; with no enabled version there is
        // nothing AWSCURRENT may become, so AWS keeps what it has until a version is enabled again.
        SourceName = sourceName,
        TargetName = targetName,
        TargetVersion = target?.CurrentVersionId,
        Kind = DriftKind.Disabled,
        DriftFound = false,
        Detail = "every Key Vault version is disabled; AWS is left as it is",
    };

    /// <summary>Plans a secret that exists in Key Vault, from version ids and metadata.</summary>
    /// <param name="current">
    /// The newest enabled Key Vault version, as read. Its tags and content type are the metadata AWS should carry,
    /// even when a newer, disabled version has others.
    /// </param>
    /// <param name="metadataDiffers">The target's tags or description differ from what <paramref name="current"/> asks for (<see cref="ISecretTarget.MetadataUpdateFor"/>).</param>
    public static ReconcileItem PlanSource(SourceSecretVersion current, string targetName, TargetSecretSummary? target, bool metadataDiffers, bool adopt)
    {
        string latestEnabled = current.Version;
        var item = new ReconcileItem
        {
            SourceName = current.Name,
            TargetName = targetName,
            SourceVersion = latestEnabled,
            TargetVersion = target?.CurrentVersionId,
            Kind = DriftKind.InSync,
            DriftFound = false,
        };

        if (target is null)
        {
            return item with { Kind = DriftKind.Missing, DriftFound = true, Actions = ReconcileActions.Write, Detail = "not in AWS" };
        }

        if (!target.IsOwned)
        {
            return adopt
                ? item with { Kind = DriftKind.Conflict, DriftFound = true, Actions = ReconcileActions.Write | ReconcileActions.UpdateMetadata, Detail = "exists in AWS without the managed-by tag; taken over (--adopt, or the target's TakeoverPolicy, which may still refuse it)" }
                : item with { Kind = DriftKind.Conflict, DriftFound = true, Detail = "exists in AWS without the managed-by tag; not touched (--adopt takes it over)" };
        }

        if (!target.IsFrom(current.VaultName, current.Name))
        {
            return item with { Kind = DriftKind.Conflict, DriftFound = true, Detail = $"replicated from {target.SourceVault}/{target.SourceName}; not touched" };
        }

        bool isCurrent = string.Equals(target.CurrentVersionId, latestEnabled, StringComparison.OrdinalIgnoreCase);
        bool held = target.VersionIds.Contains(latestEnabled);
        if (target.ScheduledForDeletion)
        {
            // The secret was recovered in Key Vault (or deleted in AWS behind our back): the write restores it.
            item = item with
            {
                Kind = DriftKind.Missing,
                DriftFound = true,
                Actions = ReconcileActions.Restore | (!isCurrent && held
                    ? target.CurrentVersionId is not null ? ReconcileActions.Promote : ReconcileActions.Write
                    : ReconcileActions.None),
                Detail = "scheduled for deletion in AWS",
            };
        }
        else if (!isCurrent)
        {
            item = item with
            {
                Kind = DriftKind.Stale,
                DriftFound = true,
                Actions = target.CurrentVersionId is not null && held ? ReconcileActions.Promote : ReconcileActions.Write,
                Detail = $"AWSCURRENT is {target.CurrentVersionId ?? "absent"}; the newest enabled Key Vault version is {latestEnabled}",
            };
        }

        if (metadataDiffers)
        {
            item = item.Kind == DriftKind.InSync
                ? item with { Kind = DriftKind.MetadataDrift, DriftFound = true, Actions = ReconcileActions.UpdateMetadata, Detail = "tags or description differ from Key Vault" }
                : item with { Actions = item.Actions | ReconcileActions.UpdateMetadata };
        }

        return item;
    }

    /// <summary>
    /// Whether sync compares the secret's settings (resource policy, KMS key, replica regions) with the target's:
    /// on an existing secret of ours from this source, whatever its version, except one scheduled for deletion (the
    /// next run compares it once restored) and a value conflict (a person decides over that secret first). A secret
    /// sync creates or takes over gets them from the write itself.
    /// </summary>
    public static bool ComparesSettings(ReconcileItem item, TargetSecretSummary? target) =>
        target is { IsOwned: true, ScheduledForDeletion: false } && item.Kind is DriftKind.InSync or DriftKind.Stale or DriftKind.MetadataDrift;

    /// <summary>
    /// Adds what the settings comparison found: a kind per setting out of line, and the repair Secrets Manager
    /// allows in place (put the policy, change the key, add the missing replicas). A replica that failed or uses
    /// another key has no such repair: it is reported, and never removed to be added again.
    /// </summary>
    public static ReconcileItem PlanSettings(ReconcileItem item, TargetSettingsDrift settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.IsEmpty)
        {
            return item;
        }

        var kinds = new List<DriftKind>(3);
        var details = new List<string>();
        ReconcileActions actions = ReconcileActions.None;
        if (settings.ResourcePolicyDiffers)
        {
            kinds.Add(DriftKind.ResourcePolicyDrift);
            actions |= ReconcileActions.PutResourcePolicy;
            details.Add("the resource policy is not the target's ResourcePolicy");
        }

        if (settings.KmsKeyId is { } key)
        {
            kinds.Add(DriftKind.KmsKeyDrift);
            actions |= ReconcileActions.UpdateKmsKey;
            details.Add($"encrypted with {settings.CurrentKmsKeyId}, not the target's KmsKeyId {key}");
        }

        if (settings.MissingReplicaRegions.Count > 0 || settings.ReplicaFindings.Count > 0)
        {
            kinds.Add(DriftKind.ReplicaDrift);
        }

        if (settings.MissingReplicaRegions.Count > 0)
        {
            actions |= ReconcileActions.AddReplicaRegions;
            details.Add($"not replicated to {string.Join(", ", settings.MissingReplicaRegions)} (ReplicaRegions)");
        }

        details.AddRange(settings.ReplicaFindings);
        string detail = string.Join("; ", details);
        return item with
        {
            Kind = item.Kind == DriftKind.InSync ? kinds[0] : item.Kind,
            SettingsDrifts = kinds,
            DriftFound = true,
            Actions = item.Actions | actions,
            Detail = item.Detail is null ? detail : $"{item.Detail}; {detail}",
        };
    }

    /// <summary>Whether the plan needs the value of the AWSCURRENT version, and of the version it would promote.</summary>
    public static (bool Current, bool Promoted) ValuesToCompare(ReconcileItem item, TargetSecretSummary? target) =>
        item.SourceVersion is null || target is null || !target.IsOwned || target.ScheduledForDeletion || item.Kind is DriftKind.Conflict
            ? (false, false)
            : (target.CurrentVersionId is not null, (item.Actions & ReconcileActions.Promote) != 0);

    /// <summary>
    /// Checks a plan against the values: AWSCURRENT, when it is the newest enabled version by id, must carry the
    /// Key Vault value, and so must a version before it is promoted. Either failing is a
    /// <see cref="DriftKind.ValueConflict"/>: nothing is done, since no write can correct a version in place.
    /// </summary>
    /// <param name="sourceSha256">SHA-256 of the Key Vault value, hex.</param>
    /// <param name="currentSha256">SHA-256 of the AWSCURRENT value; null when it was not read.</param>
    /// <param name="promotedSha256">SHA-256 of the version a promotion would make current; null when none is planned.</param>
    public static ReconcileItem CompareValues(ReconcileItem item, string sourceSha256, string? currentSha256, string? promotedSha256)
    {
        item = item with { SourceSha256Prefix = sourceSha256[..8], TargetSha256Prefix = currentSha256?[..8] };
        bool currentDiffers = item.Kind is DriftKind.InSync or DriftKind.MetadataDrift
            && currentSha256 is not null && !string.Equals(currentSha256, sourceSha256, StringComparison.Ordinal);
        bool promotedDiffers = (item.Actions & ReconcileActions.Promote) != 0
            && promotedSha256 is not null && !string.Equals(promotedSha256, sourceSha256, StringComparison.Ordinal);
        return currentDiffers || promotedDiffers ? ValueConflict(item) : item;
    }

    /// <summary>The version id is taken in AWS by another value: reported for a person, never written over.</summary>
    public static ReconcileItem ValueConflict(ReconcileItem item) => item with
    {
        Kind = DriftKind.ValueConflict,
        DriftFound = true,
        Actions = ReconcileActions.None,
        Detail = $"AWS version {item.SourceVersion} has another value than Key Vault's (written with this version id by something else); "
            + "versions cannot be overwritten: supersede it with a new Key Vault version (docs/reconcile.md)",
    };

    /// <summary>Plans an AWS secret of ours whose Key Vault secret is gone.</summary>
    public static ReconcileItem PlanOrphan(TargetSecretSummary target, string sourceName, ReconcileOptions options)
    {
        var item = new ReconcileItem { SourceName = sourceName, TargetName = target.Name, TargetVersion = target.CurrentVersionId, Kind = DriftKind.Extra, DriftFound = false };
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
            DriftFound = true,
            Actions = ReconcileActions.Delete,
            Detail = options.ForceDeleteWithoutRecovery
                ? "gone from Key Vault; deleted in AWS without recovery"
                : $"gone from Key Vault; deleted in AWS with a {options.RecoveryWindowInDays}-day recovery window",
        };
    }
}
