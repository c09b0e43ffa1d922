using System.Globalization;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.Tests.Replication;
using Microsoft.Extensions.Options;
using static KvReplicator.Tests.Fakes.InMemorySecretsManager;
using static KvReplicator.Tests.Replication.ReplicationTestBed;

namespace KvReplicator.Tests.Reconciliation;

/// <summary>
/// Sync over an in-memory vault, Secrets Manager and ledger: it plans from the listings and converges through
/// the event pipeline's own <see cref="SecretReplicator"/>, under each secret's lock.
/// </summary>
public sealed class SecretReconcilerTests
{
    private const string Superseded = "kvrep-superseded";

    private readonly ReplicationTestBed _bed = new();

    [Fact]
    public async Task Writes_missing_and_stale_targets_moves_AWSCURRENT_to_a_held_version_and_leaves_in_sync_ones_alone()
    {
        string v2 = _bed.Create("missing", 2);
        string v1 = _bed.Create("held", 1);
        _bed.Create("held", 2);
        _bed.Create("unheld", 1);
        _bed.Create("unheld", 2);
        _bed.Create("fine", 2);
        Owned("held", (v1, [CurrentStage]), (v2, [Superseded]));
        Owned("unheld", (v1, [CurrentStage]));
        Owned("fine", (v2, [CurrentStage]));

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.Missing, ReconcileActions.Write, ReconcileItemStatus.Applied), Summary(report, "missing"));
        Assert.Equal((DriftKind.Stale, ReconcileActions.Promote, ReconcileItemStatus.Applied), Summary(report, "held"));
        Assert.Equal((DriftKind.Stale, ReconcileActions.Write, ReconcileItemStatus.Applied), Summary(report, "unheld"));
        Assert.Equal((DriftKind.InSync, ReconcileActions.None, ReconcileItemStatus.Unchanged), Summary(report, "fine"));
        Assert.Equal((3, 0), (report.DriftFound, report.DriftLeft));
        Assert.Equal(v2, _bed.Target.CurrentOf(Prefix + "missing"));
        Assert.Equal((v2, v1), (_bed.Target.CurrentOf(Prefix + "held"), _bed.Target.PreviousOf(Prefix + "held")));
        Assert.Equal((v2, v1), (_bed.Target.CurrentOf(Prefix + "unheld"), _bed.Target.PreviousOf(Prefix + "unheld")));
        Assert.Null(_bed.LedgerState("fine")); // never handled
        Assert.All(["missing", "held", "unheld"], name => Assert.Null(_bed.LedgerState(name)!.Lock));
    }

    [Fact]
    public async Task A_second_run_finds_everything_in_sync_and_writes_nothing()
    {
        _bed.Create("missing", 1);
        await Reconciler().ReconcileAsync(new ReconcileRequest());
        _bed.Target.ClearOperations();

        ReconcileReport second = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal(0, second.DriftFound);
        Assert.All(["CreateSecret", "PutSecretValue", "UpdateSecretVersionStage", "TagResource", "UntagResource", "UpdateSecret"], op => Assert.Equal(0, _bed.Target.Count(op)));
        // Lists, and reads the values it compares by SHA-256; nothing else.
        Assert.All(_bed.Target.Operations, op => Assert.Contains(op, new[] { "ListSecrets", "GetSecretValue" }));
    }

    [Fact]
    public async Task A_version_created_after_the_listing_is_made_current_and_the_listed_one_never_is()
    {
        string v1 = _bed.Create("racing", 1);
        bool created = false;
        _bed.Source.BeforeRead = (operation, _, _) =>
        {
            if (operation == "ReadLatest" && !created)
            {
                created = true;
                _bed.Create("racing", 2);
            }

            return Task.CompletedTask;
        };

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal(ReconcileItemStatus.Applied, Assert.Single(report.Items).Status);
        Assert.Equal((Id(2), v1), (_bed.Target.CurrentOf(Prefix + "racing"), _bed.Target.PreviousOf(Prefix + "racing")));
        Assert.Equal([Id(2)], _bed.Target.CurrentHistory(Prefix + "racing"));
    }

    [Fact]
    public async Task A_sync_beside_an_event_handler_waits_for_the_secrets_lock_and_never_moves_AWSCURRENT_back()
    {
        string v1 = _bed.Create("busy", 1);
        string v2 = _bed.Create("busy", 2);
        Owned("busy", (v1, [CurrentStage]));
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _bed.Target.BeforeWrite = async (_, _) =>
        {
            _bed.Target.BeforeWrite = null;
            writing.TrySetResult();
            await release.Task;
        };
        Task<ReplicationOutcome> eventHandler = _bed.NewProcess().ReplicateAsync(Ref("busy", v2));
        await writing.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The sync lists AWSCURRENT on version 1 and converges under the lock the event handler holds.
        Task<ReconcileReport> sync = Reconciler().ReconcileAsync(new ReconcileRequest());
        TimeSpan poll = await _bed.Clock.NextDelayAsync(TimeSpan.FromSeconds(1));
        release.SetResult();
        await eventHandler;
        _bed.Clock.Advance(poll);
        ReconcileReport report = await _bed.Clock.RunDelaysUntilAsync(sync, TimeSpan.FromSeconds(1));

        Assert.Equal((DriftKind.Stale, ReconcileItemStatus.Applied), (Assert.Single(report.Items).Kind, report.Items[0].Status));
        Assert.Equal([v1, v2], _bed.Target.CurrentHistory(Prefix + "busy"));
        Assert.Equal(0, _bed.Ledger.RefusedWrites);
    }

    [Fact]
    public async Task A_dry_run_plans_the_same_actions_and_only_lists_and_reads()
    {
        _bed.Create("missing", 2);
        string v1 = _bed.Create("held", 1);
        string v2 = _bed.Create("held", 2);
        Owned("held", (v1, [CurrentStage]), (v2, [Superseded]));

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest { DryRun = true });

        Assert.Equal((DriftKind.Missing, ReconcileActions.Write, ReconcileItemStatus.Planned), Summary(report, "missing"));
        Assert.Equal((DriftKind.Stale, ReconcileActions.Promote, ReconcileItemStatus.Planned), Summary(report, "held"));
        Assert.Equal(0, report.TargetWrites);
        // Lists, and reads the values it compares by SHA-256; nothing else.
        Assert.All(_bed.Target.Operations, op => Assert.Contains(op, new[] { "ListSecrets", "GetSecretValue" }));
        Assert.Equal(0, _bed.Ledger.Calls); // a dry run takes no lock and records nothing
    }

    [Fact]
    public async Task A_disabled_latest_version_moves_awscurrent_to_the_newest_enabled_one()
    {
        string v1 = _bed.Create("rotated", 1);
        string v2 = _bed.Create("rotated", 2, enabled: false);
        Owned("rotated", (v1, [PreviousStage]), (v2, [CurrentStage]));

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        ReconcileItem item = Assert.Single(report.Items);
        Assert.Equal((DriftKind.Stale, v1, v2, ReconcileItemStatus.Applied), (item.Kind, item.SourceVersion, item.TargetVersion, item.Status));
        Assert.Equal(v1, _bed.Target.CurrentOf(Prefix + "rotated"));
    }

    [Fact]
    public async Task With_every_version_disabled_aws_is_left_as_it_is_and_reported()
    {
        string v2 = _bed.Create("off", 2, enabled: false);
        Owned("off", (v2, [CurrentStage]));

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.Disabled, ReconcileActions.None, ReconcileItemStatus.Reported), Summary(report, "off"));
        Assert.Equal(0, report.DriftLeft);
        Assert.Equal(0, _bed.Target.Writes);
        Assert.Equal(0, _bed.Ledger.Calls);
    }

    [Fact]
    public async Task A_foreign_target_is_a_conflict_left_alone_unless_adopted()
    {
        string v1 = _bed.Create("shared", 1);
        _bed.Create("crossed", 1);
        _bed.Target.Seed(Prefix + "shared", new Dictionary<string, string> { ["team"] = "payments" }, null, ("theirs", "their value", [CurrentStage]));
        _bed.Target.SeedOwned(Prefix + "crossed", Vault, "another-secret", null, (Id(1), ValueOf("crossed", 1), [CurrentStage]));

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.Conflict, ReconcileActions.None, ReconcileItemStatus.Reported), Summary(report, "shared"));
        Assert.Equal((DriftKind.Conflict, ReconcileActions.None, ReconcileItemStatus.Reported), Summary(report, "crossed"));
        Assert.Equal(0, report.TargetWrites);
        Assert.Equal("theirs", _bed.Target.CurrentOf(Prefix + "shared"));

        ReconcileReport adopted = await Reconciler().ReconcileAsync(new ReconcileRequest { Adopt = true });

        Assert.Equal(ReconcileItemStatus.Applied, Assert.Single(adopted.Items, item => item.SourceName == "shared").Status);
        Assert.Equal(ReconcileItemStatus.Reported, Assert.Single(adopted.Items, item => item.SourceName == "crossed").Status);
        Assert.Equal(v1, _bed.Target.CurrentOf(Prefix + "shared"));
        Assert.Equal(ReplicationTags.ManagedByValue, _bed.Target.TagsOf(Prefix + "shared")[ReplicationTags.ManagedBy]);
        Assert.Equal(1, _bed.Target.Count("UpdateSecret")); // the description brought in line
        Assert.Equal(ValueOf("crossed", 1), _bed.Target.ValueOf(Prefix + "crossed", Id(1)));
    }

    [Fact]
    public async Task A_target_whose_takeover_policy_adopts_is_taken_over_by_sync_without_adopt_but_never_one_fed_by_another_source()
    {
        string v1 = _bed.Create("shared", 1);
        _bed.Create("crossed", 1);
        _bed.Target.Seed(Prefix + "shared", new Dictionary<string, string> { ["team"] = "payments" }, null, ("theirs", "their value", [CurrentStage]));
        _bed.Target.SeedOwned(Prefix + "crossed", Vault, "another-secret", null, (Id(1), ValueOf("crossed", 1), [CurrentStage]));
        _bed.Target.MayTakeOver = true;

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.Conflict, ReconcileActions.Write | ReconcileActions.UpdateMetadata, ReconcileItemStatus.Applied), Summary(report, "shared"));
        Assert.Equal((DriftKind.Conflict, ReconcileActions.None, ReconcileItemStatus.Reported), Summary(report, "crossed"));
        Assert.Equal(v1, _bed.Target.CurrentOf(Prefix + "shared"));
        Assert.Equal(ReplicationTags.ManagedByValue, _bed.Target.TagsOf(Prefix + "shared")[ReplicationTags.ManagedBy]);
    }

    [Fact]
    public async Task A_target_whose_source_is_gone_is_retained_by_default()
    {
        Owned("gone", (Id(1), [CurrentStage]));

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        ReconcileItem item = Assert.Single(report.Items);
        Assert.Equal((DriftKind.Extra, ReconcileActions.None, ReconcileItemStatus.Reported, true), (item.Kind, item.Actions, item.Status, !item.DriftFound));
        Assert.True(_bed.Target.Exists(Prefix + "gone"));
    }

    [Theory]
    [InlineData(false, 7)]
    [InlineData(true, 30)]
    public async Task Under_the_delete_policy_only_our_own_orphans_under_the_prefix_are_deleted(bool force, int window)
    {
        _bed.Create("live", 1);
        Owned("live", (Id(1), [CurrentStage]));
        Owned("gone", (Id(1), [CurrentStage]));
        Owned("already", (Id(1), [CurrentStage]));
        _bed.Target.ScheduleDeletion(Prefix + "already");
        _bed.Target.Seed(Prefix + "not-ours", new Dictionary<string, string>(), null, (Id(1), "x", [CurrentStage]));
        _bed.Target.SeedOwned(Prefix + "other-vault", "other-kv", "other-vault", null, (Id(1), "x", [CurrentStage]));
        Owned("excluded-x", (Id(1), [CurrentStage]));
        _bed.Target.SeedOwned("old-prefix/gone", Vault, "gone", null, (Id(1), "x", [CurrentStage]));
        _bed.Options.ExcludeNamePatterns = ["excluded-*"];

        ReconcileReport report = await Reconciler(new ReconcileOptions { DeletionPolicy = DeletionPolicy.Delete, RecoveryWindowInDays = window, ForceDeleteWithoutRecovery = force })
            .ReconcileAsync(new ReconcileRequest());

        Assert.Equal(["live", "already", "gone"], report.Items.Select(item => item.SourceName));
        Assert.Equal((DriftKind.Extra, ReconcileActions.Delete, ReconcileItemStatus.Applied), Summary(report, "gone"));
        Assert.Equal((DriftKind.Extra, ReconcileActions.None, ReconcileItemStatus.Reported), Summary(report, "already"));
        Assert.Equal(1, _bed.Target.Count("DeleteSecret"));
        Assert.Equal(!force, _bed.Target.Exists(Prefix + "gone")); // scheduled for deletion, or gone at once
        Assert.All(["not-ours", "other-vault", "excluded-x", "live"], name => Assert.True(_bed.Target.Exists(Prefix + name)));
    }

    [Fact]
    public async Task A_target_scheduled_for_deletion_whose_source_exists_is_restored_then_written()
    {
        string v1 = _bed.Create("recovered", 1);
        string v2 = _bed.Create("recovered", 2);
        Owned("recovered", (v1, [CurrentStage]));
        _bed.Target.ScheduleDeletion(Prefix + "recovered");

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.Missing, ReconcileActions.Restore, ReconcileItemStatus.Applied), Summary(report, "recovered"));
        List<string> operations = [.. _bed.Target.Operations];
        Assert.True(operations.IndexOf("RestoreSecret") < operations.IndexOf("PutSecretValue"), string.Join(", ", operations));
        TargetSecretSummary restored = (await _bed.Target.DescribeAsync(Prefix + "recovered"))!;
        Assert.Equal((false, v2), (restored.ScheduledForDeletion, restored.CurrentVersionId));
    }

    [Fact]
    public async Task Metadata_drift_is_repaired_with_only_the_changes()
    {
        string v1 = _bed.Create("tagged", 1, tags: new Dictionary<string, string> { ["team"] = "billing" });
        Owned("tagged", new Dictionary<string, string> { ["team"] = "payments", ["env"] = "prod" }, (v1, [CurrentStage]));

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.MetadataDrift, ReconcileActions.UpdateMetadata, ReconcileItemStatus.Applied), Summary(report, "tagged"));
        IReadOnlyDictionary<string, string> tags = _bed.Target.TagsOf(Prefix + "tagged");
        Assert.Equal("billing", tags["team"]);
        Assert.DoesNotContain("env", tags.Keys);
        Assert.Equal(0, _bed.Target.Count("UpdateSecret"));
        Assert.Equal(0, _bed.Target.Writes);
    }

    [Fact]
    public async Task Filtered_out_secrets_are_neither_planned_nor_written()
    {
        var optIn = new Dictionary<string, string> { ["replicate-to-aws"] = "true" };
        string v1 = _bed.Create("opted-in", 1, tags: optIn);
        _bed.Create("untagged", 1);
        _bed.Create("tmp-x", 1, tags: optIn);
        Owned("opted-in", optIn, (v1, [CurrentStage]));
        _bed.Options.RequiredTagName = "replicate-to-aws";
        _bed.Options.RequiredTagValue = "true";
        _bed.Options.ExcludeNamePatterns = ["tmp-*"];

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal(["opted-in"], report.Items.Select(item => item.SourceName));
        Assert.Equal(0, report.DriftFound);
        Assert.Equal(0, _bed.Target.Writes);
    }

    [Fact]
    public async Task Comparing_values_reports_short_hashes_and_a_same_version_with_another_value_as_a_conflict()
    {
        string same = _bed.Create("same", 1);
        string differs = _bed.Create("differs", 1);
        Owned("same", (same, [CurrentStage]));
        _bed.Target.SeedOwned(Prefix + "differs", Vault, "differs", null, (differs, "written by someone else", [CurrentStage]));

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest { DryRun = true });

        ReconcileItem sameItem = Assert.Single(report.Items, item => item.SourceName == "same");
        ReconcileItem differsItem = Assert.Single(report.Items, item => item.SourceName == "differs");
        Assert.Equal((DriftKind.InSync, new SecretValue(ValueOf("same", 1)).Sha256Hex()[..8]), (sameItem.Kind, sameItem.SourceSha256Prefix));
        Assert.Equal(sameItem.SourceSha256Prefix, sameItem.TargetSha256Prefix);
        Assert.Equal(DriftKind.ValueConflict, differsItem.Kind);
        Assert.NotEqual(differsItem.SourceSha256Prefix, differsItem.TargetSha256Prefix);
        Assert.DoesNotContain(ValueOf("same", 1), string.Join(' ', report.Items), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_secret_is_reported_and_does_not_stop_the_others()
    {
        _bed.Create("broken", 1);
        _bed.Create("healthy", 1);
        _bed.Target.BeforeWrite = (write, _) => write.TargetName == Prefix + "broken"
            ? throw new SecretStoreException("Secrets Manager CreateSecret failed: ThrottlingException (HTTP 400)", isTransient: true, "ThrottlingException")
            : Task.CompletedTask;
        var progress = new List<ReconcileProgress>();

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest(), new SynchronousProgress(progress.Add));

        ReconcileItem broken = Assert.Single(report.Items, item => item.SourceName == "broken");
        Assert.Equal(ReconcileItemStatus.Failed, broken.Status);
        Assert.Contains("ThrottlingException", broken.Error, StringComparison.Ordinal);
        Assert.Equal(ReconcileItemStatus.Applied, Assert.Single(report.Items, item => item.SourceName == "healthy").Status);
        Assert.True(report.HasFailures);
        Assert.Equal([1, 2], progress.Select(step => step.Completed).Order());
        Assert.All(progress, step => Assert.Equal(2, step.Total));
        Assert.Null(_bed.LedgerState("broken")!.Lock);
        _bed.Logs.AssertContainsNone([ValueOf("broken", 1), ValueOf("healthy", 1)]);
    }

    [Fact]
    public async Task Settings_drift_is_planned_by_a_dry_run_and_repaired_by_sync_beside_a_stale_version_and_a_failing_repair_stops_no_other_secret()
    {
        string policyV1 = _bed.Create("policy", 1);
        string policyV2 = _bed.Create("policy", 2);
        string keyV1 = _bed.Create("key", 1);
        string refusedV1 = _bed.Create("refused", 1);
        string foreignV1 = _bed.Create("foreign", 1);
        Owned("policy", (policyV1, [CurrentStage]));
        Owned("key", (keyV1, [CurrentStage]));
        Owned("refused", (refusedV1, [CurrentStage]));
        _bed.Target.Seed(Prefix + "foreign", new Dictionary<string, string>(), null, (foreignV1, "theirs", [CurrentStage]));
        foreach (string name in new[] { "policy", "refused", "foreign" })
        {
            _bed.Target.SettingsDrift[Prefix + name] = new TargetSettingsDrift { TargetName = Prefix + name, ResourcePolicyDiffers = true };
        }

        _bed.Target.SettingsDrift[Prefix + "key"] = new TargetSettingsDrift { TargetName = Prefix + "key", KmsKeyId = "alias/new", CurrentKmsKeyId = "alias/aws/secretsmanager" };
        _bed.Target.SettingsRepairFails[Prefix + "refused"] = true;

        ReconcileReport planned = await Reconciler().ReconcileAsync(new ReconcileRequest { DryRun = true });

        Assert.Equal((DriftKind.Stale, ReconcileActions.Write | ReconcileActions.PutResourcePolicy, ReconcileItemStatus.Planned), Summary(planned, "policy"));
        Assert.Equal([DriftKind.Stale, DriftKind.ResourcePolicyDrift], Assert.Single(planned.Items, item => item.SourceName == "policy").Drifts);
        Assert.Equal((DriftKind.KmsKeyDrift, ReconcileActions.UpdateKmsKey, ReconcileItemStatus.Planned), Summary(planned, "key"));

        // A secret that is not ours is never compared: its settings are someone else's.
        Assert.Equal((DriftKind.Conflict, ReconcileActions.None, ReconcileItemStatus.Reported), Summary(planned, "foreign"));
        Assert.Equal(0, _bed.Target.Count("PutResourcePolicy") + _bed.Target.Count("UpdateSecret"));

        ReconcileReport synced = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal(ReconcileItemStatus.Applied, Assert.Single(synced.Items, item => item.SourceName == "policy").Status);
        Assert.Equal(ReconcileItemStatus.Applied, Assert.Single(synced.Items, item => item.SourceName == "key").Status);
        ReconcileItem refused = Assert.Single(synced.Items, item => item.SourceName == "refused");
        Assert.Equal((ReconcileItemStatus.Failed, DriftKind.ResourcePolicyDrift), (refused.Status, refused.Kind));
        Assert.Contains("AccessDeniedException", refused.Error, StringComparison.Ordinal);
        Assert.Equal((2, 1), (_bed.Target.Count("PutResourcePolicy"), _bed.Target.Count("UpdateSecret"))); // "refused" was tried too
        Assert.Equal(policyV2, _bed.Target.CurrentOf(Prefix + "policy"));

        ReconcileReport again = await Reconciler().ReconcileAsync(new ReconcileRequest { DryRun = true });

        Assert.Equal(["foreign", "refused"], again.Items.Where(item => item.DriftFound).Select(item => item.SourceName).Order());
    }

    private SecretReconciler Reconciler(ReconcileOptions? options = null) =>
        new(_bed.Source, _bed.Target, Options.Create(_bed.Options), Options.Create(options ?? new ReconcileOptions()), _bed.Clock,
            _bed.Logs.CreateLogger<SecretReconciler>(), _bed.NewProcess());

    private static (DriftKind, ReconcileActions, ReconcileItemStatus) Summary(ReconcileReport report, string sourceName)
    {
        ReconcileItem item = Assert.Single(report.Items, item => item.SourceName == sourceName);
        return (item.Kind, item.Actions, item.Status);
    }

    /// <summary>A target of ours whose metadata matches its source's (so only versions can drift); versions oldest first, values as the vault has them.</summary>
    private void Owned(string name, params (string Version, string[] Stages)[] versions) => Owned(name, null, versions);

    private void Owned(string name, IReadOnlyDictionary<string, string>? tags, params (string Version, string[] Stages)[] versions) =>
        _bed.Target.SeedOwned(Prefix + name, Vault, name, tags, [.. versions.Select(v => (v.Version, ValueOf(name, int.Parse(v.Version, NumberStyles.HexNumber, CultureInfo.InvariantCulture)), v.Stages))]);

    private sealed class SynchronousProgress(Action<ReconcileProgress> report) : IProgress<ReconcileProgress>
    {
        public void Report(ReconcileProgress value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
