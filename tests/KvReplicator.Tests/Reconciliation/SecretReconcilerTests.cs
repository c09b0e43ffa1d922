using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace KvReplicator.Tests.Reconciliation;

public sealed class SecretReconcilerTests
{
    private const string Vault = "sample-kv";
    private const string Prefix = "kv/";
    private const string V1 = "11111111111111111111111111111111";
    private const string V2 = "22222222222222222222222222222222";
    private const string Value = "correct horse battery staple";

    private readonly Mock<ISecretSource> _source = new(MockBehavior.Strict);
    private readonly Mock<ISecretTarget> _target = new(MockBehavior.Strict);
    private readonly CapturedLogs _logs = new();

    /// <summary>Tags of a source version, by secret and version; versions not listed have the tags of their listing.</summary>
    private readonly Dictionary<(string Name, string Version), Dictionary<string, string>> _versionTags = [];

    public SecretReconcilerTests()
    {
        _source.SetupGet(s => s.VaultName).Returns(Vault);
        _source.Setup(s => s.ReadVersionAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string name, string version, CancellationToken _) => Found(name, version, _versionTags.GetValueOrDefault((name, version)) ?? []));

        // AWS holds the Key Vault value under every version id unless a test says otherwise.
        _target.Setup(t => t.ReadCurrentValueAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(new SecretValue(Value));
        _target.Setup(t => t.ReadVersionValueAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(new SecretValue(Value));
    }

    [Fact]
    public async Task Writes_missing_and_stale_targets_promotes_a_held_version_and_leaves_in_sync_ones_alone()
    {
        SourceLists(Source("missing", V2), Source("held", V2), Source("unheld", V2), Source("fine", V2));
        TargetLists(Owned("held", current: V1, versions: [V1, V2]), Owned("unheld", current: V1, versions: [V1]), Owned("fine", current: V2, versions: [V2]));
        LatestEnabledIs(V2);
        WritesSucceed();
        _target.Setup(t => t.PromoteAsync("kv/held", V2, V1, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.Missing, ReconcileActions.Write, ReconcileItemStatus.Applied), Summary(report, "missing"));
        Assert.Equal((DriftKind.Stale, ReconcileActions.Promote, ReconcileItemStatus.Applied), Summary(report, "held"));
        Assert.Equal((DriftKind.Stale, ReconcileActions.Write, ReconcileItemStatus.Applied), Summary(report, "unheld"));
        Assert.Equal((DriftKind.InSync, ReconcileActions.None, ReconcileItemStatus.Unchanged), Summary(report, "fine"));
        Assert.Equal((3, 0), (report.DriftFound, report.DriftLeft));
        _target.Verify(t => t.WriteAsync(It.Is<TargetSecretWrite>(w => w.TargetName == "kv/missing" && w.VersionId == V2 && w.MakeCurrent && !w.AdoptForeign), It.IsAny<CancellationToken>()));
        _target.Verify(t => t.WriteAsync(It.Is<TargetSecretWrite>(w => w.TargetName == "kv/unheld" && w.VersionId == V2 && w.MakeCurrent), It.IsAny<CancellationToken>()));
        _target.Verify(t => t.WriteAsync(It.Is<TargetSecretWrite>(w => w.TargetName == "kv/fine"), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_version_created_during_the_write_gets_awscurrent_back_by_compare_and_swap()
    {
        SourceLists(Source("racing", V1));
        TargetLists();
        WritesSucceed();
        _source.Setup(s => s.GetLatestEnabledVersionAsync("racing", It.IsAny<CancellationToken>())).ReturnsAsync(V2);
        _target.Setup(t => t.PromoteAsync("kv/racing", V2, V1, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal(ReconcileItemStatus.Applied, Assert.Single(report.Items).Status);
        _target.Verify(t => t.PromoteAsync("kv/racing", V2, V1, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_dry_run_plans_the_same_actions_and_only_lists_and_reads()
    {
        SourceLists(Source("missing", V2), Source("held", V2));
        TargetLists(Owned("held", current: V1, versions: [V1, V2]));

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest { DryRun = true });

        Assert.Equal((DriftKind.Missing, ReconcileActions.Write, ReconcileItemStatus.Planned), Summary(report, "missing"));
        Assert.Equal((DriftKind.Stale, ReconcileActions.Promote, ReconcileItemStatus.Planned), Summary(report, "held"));
        Assert.Equal((2, 2), (report.DriftFound, report.DriftLeft));
        _target.Verify(t => t.ListSecretsAsync(Prefix, It.IsAny<CancellationToken>()), Times.Once);
        _target.Verify(t => t.ReadCurrentValueAsync("kv/held", It.IsAny<CancellationToken>()), Times.Once);
        _target.Verify(t => t.ReadVersionValueAsync("kv/held", V2, It.IsAny<CancellationToken>()), Times.Once);
        _target.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_disabled_latest_version_moves_awscurrent_to_the_newest_enabled_one()
    {
        SourceLists(Source("rotated", V2, enabled: false));
        TargetLists(Owned("rotated", current: V2, versions: [V1, V2]));
        _source.Setup(s => s.GetLatestEnabledVersionAsync("rotated", It.IsAny<CancellationToken>())).ReturnsAsync(V1);
        _target.Setup(t => t.PromoteAsync("kv/rotated", V1, V2, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        ReconcileItem item = Assert.Single(report.Items);
        Assert.Equal((DriftKind.Stale, V1, V2, ReconcileItemStatus.Applied), (item.Kind, item.SourceVersion, item.TargetVersion, item.Status));
    }

    [Fact]
    public async Task With_every_version_disabled_aws_is_left_as_it_is_and_reported()
    {
        SourceLists(Source("off", V2, enabled: false));
        TargetLists(Owned("off", current: V2, versions: [V2]));
        _source.Setup(s => s.GetLatestEnabledVersionAsync("off", It.IsAny<CancellationToken>())).ReturnsAsync((string?)null);

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.Disabled, ReconcileActions.None, ReconcileItemStatus.Reported), Summary(report, "off"));
        Assert.Equal(0, report.DriftFound);
    }

    [Fact]
    public async Task A_foreign_target_is_a_conflict_left_alone_unless_adopted()
    {
        SourceLists(Source("shared", V1), Source("crossed", V1));
        TargetLists(
            new TargetSecretSummary { Name = "kv/shared", IsOwned = false, CurrentVersionId = "theirs" },
            Owned("crossed", current: V1, versions: [V1]) with { SourceName = "another-secret" });

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.Conflict, ReconcileActions.None, ReconcileItemStatus.Reported), Summary(report, "shared"));
        Assert.Equal((DriftKind.Conflict, ReconcileActions.None, ReconcileItemStatus.Reported), Summary(report, "crossed"));
        Assert.Equal(2, report.DriftLeft);

        LatestEnabledIs(V1);
        WritesSucceed();
        _target.Setup(t => t.UpdateMetadataAsync(It.IsAny<TargetMetadataUpdate>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        ReconcileReport adopted = await Reconciler().ReconcileAsync(new ReconcileRequest { Adopt = true });

        Assert.Equal(ReconcileItemStatus.Applied, Assert.Single(adopted.Items, item => item.SourceName == "shared").Status);
        Assert.Equal(ReconcileItemStatus.Reported, Assert.Single(adopted.Items, item => item.SourceName == "crossed").Status);
        _target.Verify(t => t.WriteAsync(It.Is<TargetSecretWrite>(w => w.TargetName == "kv/shared" && w.AdoptForeign), It.IsAny<CancellationToken>()), Times.Once);
        _target.Verify(t => t.UpdateMetadataAsync(It.Is<TargetMetadataUpdate>(u => u.TargetName == "kv/shared" && u.Description != null), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_target_whose_source_is_gone_is_retained_by_default()
    {
        SourceLists();
        TargetLists(Owned("gone", current: V1, versions: [V1]));

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        ReconcileItem item = Assert.Single(report.Items);
        Assert.Equal((DriftKind.Extra, ReconcileActions.None, ReconcileItemStatus.Reported, false), (item.Kind, item.Actions, item.Status, item.DriftFound));
    }

    [Theory]
    [InlineData(false, 7)]
    [InlineData(true, 30)]
    public async Task Under_the_delete_policy_only_our_own_orphans_under_the_prefix_are_deleted(bool force, int window)
    {
        SourceLists(Source("live", V1));
        TargetLists(
            Owned("live", current: V1, versions: [V1]),
            Owned("gone", current: V1, versions: [V1]),
            Owned("already", current: V1, versions: [V1]) with { ScheduledForDeletion = true },
            new TargetSecretSummary { Name = "kv/not-ours", IsOwned = false },
            Owned("other-vault", current: V1, versions: [V1]) with { SourceVault = "other-kv" },
            Owned("excluded-x", current: V1, versions: [V1]),
            new TargetSecretSummary { Name = "old-prefix/gone", IsOwned = true, SourceVault = Vault, SourceName = "gone" });
        _target.Setup(t => t.DeleteAsync("kv/gone", new TargetDeletion(window, force), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        ReconcileReport report = await Reconciler(
            new ReconcileOptions { DeletionPolicy = DeletionPolicy.Delete, RecoveryWindowInDays = window, ForceDeleteWithoutRecovery = force },
            new ReplicationOptions { TargetPrefix = Prefix, ExcludeNamePatterns = ["excluded-*"] }).ReconcileAsync(new ReconcileRequest());

        Assert.Equal(["live", "already", "gone"], report.Items.Select(item => item.SourceName));
        Assert.Equal((DriftKind.Extra, ReconcileActions.Delete, ReconcileItemStatus.Applied), Summary(report, "gone"));
        Assert.Equal((DriftKind.Extra, ReconcileActions.None, ReconcileItemStatus.Reported), Summary(report, "already"));
        _target.Verify(t => t.DeleteAsync(It.IsAny<string>(), It.IsAny<TargetDeletion>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_target_scheduled_for_deletion_whose_source_exists_is_restored_then_written()
    {
        SourceLists(Source("recovered", V1));
        TargetLists(Owned("recovered", current: V1, versions: [V1]) with { ScheduledForDeletion = true });
        var order = new List<string>();
        _target.Setup(t => t.RestoreAsync("kv/recovered", It.IsAny<CancellationToken>())).Callback(() => order.Add("restore")).Returns(Task.CompletedTask);
        _target.Setup(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>())).Callback(() => order.Add("write")).ReturnsAsync(new TargetWriteResult(false, true));
        LatestEnabledIs(V1);

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.Missing, ReconcileActions.Restore, ReconcileItemStatus.Applied), Summary(report, "recovered"));
        Assert.Equal(["restore", "write"], order);
    }

    [Fact]
    public async Task Metadata_drift_is_repaired_with_only_the_changes()
    {
        SourceLists(Source("tagged", V1, tags: new Dictionary<string, string> { ["team"] = "billing" }));
        TargetLists(Owned("tagged", current: V1, versions: [V1], tags: new Dictionary<string, string> { ["team"] = "payments", ["env"] = "prod" }));
        TargetMetadataUpdate? applied = null;
        _target.Setup(t => t.UpdateMetadataAsync(It.IsAny<TargetMetadataUpdate>(), It.IsAny<CancellationToken>()))
            .Callback((TargetMetadataUpdate update, CancellationToken _) => applied = update).Returns(Task.CompletedTask);

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.MetadataDrift, ReconcileActions.UpdateMetadata, ReconcileItemStatus.Applied), Summary(report, "tagged"));
        Assert.Equal("billing", applied!.SetTags["team"]);
        Assert.Equal(["env"], applied.RemoveTagKeys);
        Assert.Null(applied.Description);
    }

    [Fact]
    public async Task Filtered_out_secrets_are_neither_planned_nor_written()
    {
        SourceLists(
            Source("opted-in", V1, tags: new Dictionary<string, string> { ["replicate-to-aws"] = "true" }),
            Source("untagged", V1),
            Source("tmp-x", V1, tags: new Dictionary<string, string> { ["replicate-to-aws"] = "true" }));
        TargetLists(Owned("opted-in", current: V1, versions: [V1], tags: new Dictionary<string, string> { ["replicate-to-aws"] = "true" }));

        ReconcileReport report = await Reconciler(replication: new ReplicationOptions
        {
            TargetPrefix = Prefix, RequiredTagName = "replicate-to-aws", RequiredTagValue = "true", ExcludeNamePatterns = ["tmp-*"],
        }).ReconcileAsync(new ReconcileRequest());

        Assert.Equal(["opted-in"], report.Items.Select(item => item.SourceName));
        Assert.Equal(0, report.DriftFound);
    }

    [Fact]
    public async Task Sync_and_verify_compare_values_and_report_a_version_id_holding_another_value_as_a_conflict_they_leave_alone()
    {
        SourceLists(Source("same", V1), Source("differs", V1));
        TargetLists(Owned("same", current: V1, versions: [V1]), Owned("differs", current: V1, versions: [V1]));
        _target.Setup(t => t.ReadCurrentValueAsync("kv/differs", It.IsAny<CancellationToken>())).ReturnsAsync(new SecretValue("written by someone else"));

        foreach (bool dryRun in new[] { true, false })
        {
            ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest { DryRun = dryRun });

            ReconcileItem same = Assert.Single(report.Items, item => item.SourceName == "same");
            ReconcileItem differs = Assert.Single(report.Items, item => item.SourceName == "differs");
            Assert.Equal((DriftKind.InSync, new SecretValue(Value).Sha256Hex()[..8]), (same.Kind, same.SourceSha256Prefix));
            Assert.Equal(same.SourceSha256Prefix, same.TargetSha256Prefix);
            Assert.Equal((DriftKind.ValueConflict, ReconcileActions.None, ReconcileItemStatus.Reported, true), (differs.Kind, differs.Actions, differs.Status, differs.DriftFound));
            Assert.Equal(new SecretValue("written by someone else").Sha256Hex()[..8], differs.TargetSha256Prefix);
            Assert.Contains("supersede it with a new Key Vault version", differs.Detail, StringComparison.Ordinal);
            Assert.Equal((1, 1), (report.DriftFound, report.DriftLeft));
            Assert.DoesNotContain(Value, string.Join(' ', report.Items), StringComparison.Ordinal);
        }

        _target.Verify(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_held_version_with_another_value_is_never_promoted()
    {
        SourceLists(Source("impostor", V2));
        TargetLists(Owned("impostor", current: V1, versions: [V1, V2]));
        _target.Setup(t => t.ReadVersionValueAsync("kv/impostor", V2, It.IsAny<CancellationToken>())).ReturnsAsync(new SecretValue("put with our token"));

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.ValueConflict, ReconcileActions.None, ReconcileItemStatus.Reported), Summary(report, "impostor"));
        _target.Verify(t => t.PromoteAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_write_refused_because_the_version_id_holds_another_value_is_reported_as_a_value_conflict()
    {
        SourceLists(Source("raced", V1));
        TargetLists();
        _target.Setup(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SecretStoreException("Secrets Manager secret 'kv/raced' already has version … with a different value", isTransient: false, SecretsManagerTarget.VersionConflictErrorCode));

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.ValueConflict, ReconcileActions.None, ReconcileItemStatus.Reported), Summary(report, "raced"));
        Assert.Equal((1, 1, false), (report.DriftFound, report.DriftLeft, report.HasFailures));
    }

    [Fact]
    public async Task When_the_newest_version_is_disabled_the_metadata_and_the_opt_in_tag_come_from_the_current_one()
    {
        // The disabled newest version was re-tagged; the current (newest enabled) one keeps its own tags.
        SourceLists(
            Source("rotated", V2, enabled: false, tags: new Dictionary<string, string> { ["team"] = "from-disabled", ["replicate-to-aws"] = "true" }),
            Source("opted-out", V2, enabled: false, tags: new Dictionary<string, string> { ["replicate-to-aws"] = "true" }));
        _versionTags[("rotated", V1)] = new Dictionary<string, string> { ["team"] = "current", ["replicate-to-aws"] = "true" };
        _versionTags[("opted-out", V1)] = new Dictionary<string, string> { ["replicate-to-aws"] = "false" };
        TargetLists(Owned("rotated", current: V1, versions: [V1], tags: new Dictionary<string, string> { ["team"] = "from-disabled", ["replicate-to-aws"] = "true" }));
        _source.Setup(s => s.GetLatestEnabledVersionAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(V1);
        TargetMetadataUpdate? applied = null;
        _target.Setup(t => t.UpdateMetadataAsync(It.IsAny<TargetMetadataUpdate>(), It.IsAny<CancellationToken>()))
            .Callback((TargetMetadataUpdate update, CancellationToken _) => applied = update).Returns(Task.CompletedTask);

        ReconcileReport report = await Reconciler(replication: new ReplicationOptions
        {
            TargetPrefix = Prefix, RequiredTagName = "replicate-to-aws", RequiredTagValue = "true",
        }).ReconcileAsync(new ReconcileRequest());

        Assert.Equal((DriftKind.MetadataDrift, ReconcileActions.UpdateMetadata, ReconcileItemStatus.Applied), Summary(report, "rotated"));
        Assert.Equal("current", applied!.SetTags["team"]);
        Assert.DoesNotContain(report.Items, item => item.SourceName == "opted-out");
    }

    [Fact]
    public async Task A_failing_secret_is_reported_and_does_not_stop_the_others()
    {
        SourceLists(Source("broken", V1), Source("healthy", V1));
        TargetLists();
        LatestEnabledIs(V1);
        _target.Setup(t => t.WriteAsync(It.Is<TargetSecretWrite>(w => w.TargetName == "kv/broken"), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SecretStoreException("Secrets Manager PutSecretValue failed: ThrottlingException (HTTP 400)", isTransient: true));
        _target.Setup(t => t.WriteAsync(It.Is<TargetSecretWrite>(w => w.TargetName == "kv/healthy"), It.IsAny<CancellationToken>())).ReturnsAsync(new TargetWriteResult(true, false));
        var progress = new List<ReconcileProgress>();

        ReconcileReport report = await Reconciler().ReconcileAsync(new ReconcileRequest(), new SynchronousProgress(progress.Add));

        ReconcileItem broken = Assert.Single(report.Items, item => item.SourceName == "broken");
        Assert.Equal(ReconcileItemStatus.Failed, broken.Status);
        Assert.Contains("ThrottlingException", broken.Error, StringComparison.Ordinal);
        Assert.Equal(ReconcileItemStatus.Applied, Assert.Single(report.Items, item => item.SourceName == "healthy").Status);
        Assert.True(report.HasFailures);
        Assert.Equal([1, 2], progress.Select(step => step.Completed).Order());
        Assert.All(progress, step => Assert.Equal(2, step.Total));
        _logs.AssertContainsNone([Value]);
    }

    private SecretReconciler Reconciler(ReconcileOptions? options = null, ReplicationOptions? replication = null) =>
        new(_source.Object, _target.Object, Options.Create(replication ?? new ReplicationOptions { TargetPrefix = Prefix }),
            Options.Create(options ?? new ReconcileOptions()), new FakeTimeProvider(), _logs.CreateLogger<SecretReconciler>());

    private static (DriftKind, ReconcileActions, ReconcileItemStatus) Summary(ReconcileReport report, string sourceName)
    {
        ReconcileItem item = Assert.Single(report.Items, item => item.SourceName == sourceName);
        return (item.Kind, item.Actions, item.Status);
    }

    private void SourceLists(params SourceSecretSummary[] secrets) =>
        _source.Setup(s => s.ListSecretsAsync(It.IsAny<CancellationToken>())).Returns(() => secrets.ToAsyncEnumerable());

    private void TargetLists(params TargetSecretSummary[] secrets) =>
        _target.Setup(t => t.ListSecretsAsync(Prefix, It.IsAny<CancellationToken>())).Returns(() => secrets.ToAsyncEnumerable());

    private void LatestEnabledIs(string version) =>
        _source.Setup(s => s.GetLatestEnabledVersionAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(version);

    private void WritesSucceed() =>
        _target.Setup(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>())).ReturnsAsync(new TargetWriteResult(false, false));

    /// <summary>A listed secret; its newest version, when enabled, has the listing's tags (as Key Vault lists them).</summary>
    private SourceSecretSummary Source(string name, string version, bool enabled = true, Dictionary<string, string>? tags = null)
    {
        if (enabled)
        {
            _versionTags[(name, version)] = tags ?? [];
        }

        return new SourceSecretSummary(name, enabled, tags ?? [], null, version, null);
    }

    /// <summary>A target of ours whose metadata matches the source's (so only versions can drift) unless tags are given.</summary>
    private static TargetSecretSummary Owned(string name, string current, string[] versions, Dictionary<string, string>? tags = null)
    {
        ReplicatedMetadata metadata = ReplicatedMetadata.For(Vault, name, tags ?? [], null);
        return new TargetSecretSummary
        {
            Name = Prefix + name,
            IsOwned = true,
            SourceVault = Vault,
            SourceName = name,
            CurrentVersionId = current,
            VersionIds = versions.ToHashSet(StringComparer.OrdinalIgnoreCase),
            Description = metadata.Description,
            Tags = metadata.Tags,
        };
    }

    private static SourceReadResult Found(string name, string version, Dictionary<string, string> tags) =>
        SourceReadResult.Found(new SourceSecretVersion { VaultName = Vault, Name = name, Version = version, Value = new SecretValue(Value), Tags = tags });

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
