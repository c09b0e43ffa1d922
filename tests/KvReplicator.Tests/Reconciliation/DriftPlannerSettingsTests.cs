using KvReplicator.Reconciliation;

namespace KvReplicator.Tests.Reconciliation;

/// <summary>The planner's decisions on an existing secret's resource policy, KMS key and replica regions.</summary>
public sealed class DriftPlannerSettingsTests
{
    private const string Version = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void Settings_are_compared_only_on_an_existing_secret_of_ours_not_scheduled_for_deletion_and_not_in_conflict()
    {
        TargetSecretSummary ours = Target();

        Assert.True(DriftPlanner.ComparesSettings(Item(DriftKind.InSync), ours));
        Assert.True(DriftPlanner.ComparesSettings(Item(DriftKind.Stale), ours));
        Assert.True(DriftPlanner.ComparesSettings(Item(DriftKind.MetadataDrift), ours));

        // A create or a takeover applies the settings itself; a secret in AWS's recycle bin is compared once restored.
        Assert.False(DriftPlanner.ComparesSettings(Item(DriftKind.Missing), null));
        Assert.False(DriftPlanner.ComparesSettings(Item(DriftKind.Missing), ours with { ScheduledForDeletion = true }));
        Assert.False(DriftPlanner.ComparesSettings(Item(DriftKind.Conflict), ours with { IsOwned = false }));
        Assert.False(DriftPlanner.ComparesSettings(Item(DriftKind.Conflict), ours with { SourceVault = "other" }));
        Assert.False(DriftPlanner.ComparesSettings(Item(DriftKind.ValueConflict), ours));
        Assert.False(DriftPlanner.ComparesSettings(Item(DriftKind.Disabled), ours));
    }

    [Fact]
    public void Nothing_differing_leaves_the_plan_as_it_was()
    {
        ReconcileItem item = Item(DriftKind.InSync);

        Assert.Same(item, DriftPlanner.PlanSettings(item, TargetSettingsDrift.None("kv/a")));
    }

    [Fact]
    public void A_policy_out_of_line_on_a_secret_otherwise_in_sync_is_its_kind_with_a_put_of_the_policy()
    {
        ReconcileItem planned = DriftPlanner.PlanSettings(Item(DriftKind.InSync), new TargetSettingsDrift { TargetName = "kv/a", ResourcePolicyDiffers = true });

        Assert.Equal((DriftKind.ResourcePolicyDrift, ReconcileActions.PutResourcePolicy, true), (planned.Kind, planned.Actions, planned.DriftFound));
        Assert.Equal([DriftKind.ResourcePolicyDrift], planned.Drifts);
        Assert.Contains("ResourcePolicy", planned.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_setting_out_of_line_is_named_and_repaired_beside_a_stale_version()
    {
        ReconcileItem stale = Item(DriftKind.Stale) with { DriftFound = true, Actions = ReconcileActions.Write, Detail = "AWSCURRENT is x" };
        var drift = new TargetSettingsDrift
        {
            TargetName = "kv/a",
            ResourcePolicyDiffers = true,
            KmsKeyId = "arn:aws:kms:eu-west-1:111122223333:key/new",
            CurrentKmsKeyId = "alias/aws/secretsmanager",
            MissingReplicaRegions = ["eu-central-1"],
        };

        ReconcileItem planned = DriftPlanner.PlanSettings(stale, drift);

        Assert.Equal(DriftKind.Stale, planned.Kind);
        Assert.Equal([DriftKind.Stale, DriftKind.ResourcePolicyDrift, DriftKind.KmsKeyDrift, DriftKind.ReplicaDrift], planned.Drifts);
        Assert.Equal(
            ReconcileActions.Write | ReconcileActions.PutResourcePolicy | ReconcileActions.UpdateKmsKey | ReconcileActions.AddReplicaRegions,
            planned.Actions);
        Assert.StartsWith("AWSCURRENT is x; ", planned.Detail, StringComparison.Ordinal);
        Assert.Contains("encrypted with alias/aws/secretsmanager, not the target's KmsKeyId arn:aws:kms:eu-west-1:111122223333:key/new", planned.Detail, StringComparison.Ordinal);
        Assert.Contains("not replicated to eu-central-1", planned.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replica_that_failed_or_uses_another_key_is_reported_without_an_action_and_never_removed()
    {
        var drift = new TargetSettingsDrift { TargetName = "kv/a", ReplicaFindings = ["the replica in eu-central-1 failed (exists)"] };

        ReconcileItem planned = DriftPlanner.PlanSettings(Item(DriftKind.InSync), drift);

        Assert.Equal((DriftKind.ReplicaDrift, ReconcileActions.None, true), (planned.Kind, planned.Actions, planned.DriftFound));
        Assert.Equal("the replica in eu-central-1 failed (exists)", planned.Detail);
    }

    [Fact]
    public void Metadata_and_a_missing_replica_keep_the_metadata_kind_first_and_both_repairs()
    {
        ReconcileItem metadata = Item(DriftKind.MetadataDrift) with { DriftFound = true, Actions = ReconcileActions.UpdateMetadata, Detail = "tags or description differ from Key Vault" };

        ReconcileItem planned = DriftPlanner.PlanSettings(metadata, new TargetSettingsDrift { TargetName = "kv/a", MissingReplicaRegions = ["us-east-2", "eu-central-1"] });

        Assert.Equal([DriftKind.MetadataDrift, DriftKind.ReplicaDrift], planned.Drifts);
        Assert.Equal(ReconcileActions.UpdateMetadata | ReconcileActions.AddReplicaRegions, planned.Actions);
        Assert.EndsWith("not replicated to us-east-2, eu-central-1 (ReplicaRegions)", planned.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_counts_a_secret_under_each_kind_it_shows()
    {
        ReconcileItem stale = DriftPlanner.PlanSettings(Item(DriftKind.Stale) with { DriftFound = true }, new TargetSettingsDrift { TargetName = "kv/a", ResourcePolicyDiffers = true });
        ReconcileItem policyOnly = DriftPlanner.PlanSettings(Item(DriftKind.InSync) with { TargetName = "kv/b" }, new TargetSettingsDrift { TargetName = "kv/b", ResourcePolicyDiffers = true });
        var report = new ReconcileReport { DryRun = true, Items = [stale, policyOnly, Item(DriftKind.InSync)] };

        Assert.Equal((1, 2, 1, 2), (report.Count(DriftKind.Stale), report.Count(DriftKind.ResourcePolicyDrift), report.Count(DriftKind.InSync), report.DriftFound));
    }

    private static ReconcileItem Item(DriftKind kind) => new()
    {
        SourceName = "a", TargetName = "kv/a", SourceVersion = Version, TargetVersion = Version, Kind = kind, DriftFound = false,
    };

    private static TargetSecretSummary Target() => new()
    {
        Name = "kv/a", IsOwned = true, SourceVault = "vault", SourceName = "a", CurrentVersionId = Version,
    };
}
