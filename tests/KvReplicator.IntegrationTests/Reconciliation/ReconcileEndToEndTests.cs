using System.Collections.Concurrent;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Replication;
using KvReplicator.Ledger;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;
using KvReplicator.Throttling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.IntegrationTests.Reconciliation;

/// <summary>
/// Issue "Reconcile, verify, replay": drift made behind the replicator's back, through the real SDK clients, on
/// moto, Azurite and the local Key Vault, is found by verify and repaired by sync; Secrets Manager calls are
/// counted on the wire.
/// </summary>
public sealed class ReconcileEndToEndTests
{
    [Fact]
    public async Task Dropped_events_are_found_by_verify_repaired_by_sync_and_a_second_sync_writes_nothing()
    {
        (ReplicationHarness harness, SecretsManagerCallCounter calls) = await StartAsync();
        await using ReplicationHarness _ = harness;
        string alpha = await harness.SetSecretAsync("alpha", "alpha value");
        await harness.SetSecretAsync("beta", "beta value");
        string gamma = await harness.SetSecretAsync("gamma", "gamma value");
        await harness.DeliverAsync("gamma", gamma);
        calls.Clear();

        ReconcileReport verified = await VerifyAsync(harness);
        Assert.Equal(2, verified.DriftFound);
        Assert.Equal(DriftKind.Missing, Item(verified, "alpha").Kind);
        Assert.Equal(DriftKind.Missing, Item(verified, "beta").Kind);
        ReconcileItem inSync = Item(verified, "gamma");
        Assert.Equal(DriftKind.InSync, inSync.Kind);
        Assert.Equal(8, inSync.SourceSha256Prefix!.Length);
        Assert.Equal(inSync.SourceSha256Prefix, inSync.TargetSha256Prefix);
        Assert.Empty(calls.Writes);

        ReconcileReport synced = await SyncAsync(harness);
        Assert.Equal((2, 0), (synced.DriftFound, synced.DriftLeft));
        Assert.Equal(calls.Writes.Count, synced.TargetWrites);
        Assert.Equal(ReconcileItemStatus.Applied, Item(synced, "alpha").Status);
        Assert.Equal(ReconcileItemStatus.Unchanged, Item(synced, "gamma").Status);
        GetSecretValueResponse current = await harness.AwsCurrentAsync("alpha");
        Assert.Equal((alpha, "alpha value"), (current.VersionId, current.SecretString!.Reveal()));
        Assert.Equal("beta value", (await harness.AwsCurrentAsync("beta")).SecretString!.Reveal());

        calls.Clear();
        ReconcileReport second = await SyncAsync(harness);
        Assert.Equal(0, second.DriftFound);
        Assert.Equal(0, second.TargetWrites);
        Assert.Empty(calls.Writes);
        Assert.Contains("ListSecrets", calls.Operations);
        Assert.Equal(0, (await VerifyAsync(harness)).DriftFound);
    }

    [Fact]
    public async Task A_dry_run_prints_the_plan_and_writes_nothing()
    {
        (ReplicationHarness harness, SecretsManagerCallCounter calls) = await StartAsync();
        await using ReplicationHarness _ = harness;
        await harness.SetSecretAsync("planned", "value");

        ReconcileReport report = await SyncAsync(harness, dryRun: true);

        ReconcileItem item = Item(report, "planned");
        Assert.Equal((DriftKind.Missing, ReconcileActions.Write, ReconcileItemStatus.Planned), (item.Kind, item.Actions, item.Status));
        Assert.Empty(calls.Writes);
        Assert.Equal(0, report.TargetWrites);
        SecretsManagerException missing = await Assert.ThrowsAsync<SecretsManagerException>(() =>
            harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = harness.TargetName("planned") }));
        Assert.Equal("ResourceNotFoundException", missing.ErrorType);
    }

    [Fact]
    public async Task A_value_changed_in_aws_is_stale_and_sync_makes_the_key_vault_version_current_again()
    {
        (ReplicationHarness harness, SecretsManagerCallCounter calls) = await StartAsync();
        await using ReplicationHarness _ = harness;
        string version = await harness.SetSecretAsync("tampered", "key vault value");
        await harness.DeliverAsync("tampered", version);
        await harness.Aws.PutSecretValueAsync(new PutSecretValueRequest
        {
            SecretId = harness.TargetName("tampered"), ClientRequestToken = Guid.NewGuid().ToString("N"), SecretString = new SecretValue("changed in aws"),
        });

        ReconcileItem drift = Item(await VerifyAsync(harness), "tampered");
        Assert.Equal(DriftKind.Stale, drift.Kind);
        Assert.NotEqual(drift.SourceSha256Prefix, drift.TargetSha256Prefix);
        Assert.Equal(8, drift.TargetSha256Prefix!.Length);

        calls.Clear();
        ReconcileItem repaired = Item(await SyncAsync(harness), "tampered");
        Assert.Equal((ReconcileActions.Promote, ReconcileItemStatus.Applied), (repaired.Actions, repaired.Status));
        Assert.Equal(["UpdateSecretVersionStage"], calls.Writes);
        GetSecretValueResponse current = await harness.AwsCurrentAsync("tampered");
        Assert.Equal((version, "key vault value"), (current.VersionId, current.SecretString!.Reveal()));
    }

    [Fact]
    public async Task A_secret_deleted_in_aws_is_recreated_or_restored()
    {
        (ReplicationHarness harness, SecretsManagerCallCounter unused) = await StartAsync();
        await using ReplicationHarness _ = harness;
        string forced = await harness.SetSecretAsync("forced", "forced value");
        string windowed = await harness.SetSecretAsync("windowed", "windowed value");
        await harness.DeliverAsync("forced", forced);
        await harness.DeliverAsync("windowed", windowed);
        await harness.Aws.DeleteSecretAsync(new DeleteSecretRequest { SecretId = harness.TargetName("forced"), ForceDeleteWithoutRecovery = true });
        await harness.Aws.DeleteSecretAsync(new DeleteSecretRequest { SecretId = harness.TargetName("windowed"), RecoveryWindowInDays = 7 });

        ReconcileReport verified = await VerifyAsync(harness);
        Assert.Equal(DriftKind.Missing, Item(verified, "forced").Kind);
        Assert.Equal(DriftKind.Missing, Item(verified, "windowed").Kind);

        ReconcileReport synced = await SyncAsync(harness);
        Assert.Equal(ReconcileActions.Write, Item(synced, "forced").Actions);
        Assert.Equal((ReconcileActions.Restore, ReconcileItemStatus.Applied, null), (Item(synced, "windowed").Actions, Item(synced, "windowed").Status, Item(synced, "windowed").Error));
        Assert.Equal((ReconcileItemStatus.Applied, null), (Item(synced, "forced").Status, Item(synced, "forced").Error));
        Assert.Equal("forced value", (await harness.AwsCurrentAsync("forced")).SecretString!.Reveal());
        Assert.Equal(windowed, (await harness.AwsCurrentAsync("windowed")).VersionId);
        Assert.Null((await harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = harness.TargetName("windowed") })).DeletedDate);
        Assert.Equal(0, (await VerifyAsync(harness)).DriftFound);
    }

    [Fact]
    public async Task A_secret_deleted_in_key_vault_is_retained_by_default()
    {
        (ReplicationHarness harness, SecretsManagerCallCounter calls) = await StartAsync();
        await using ReplicationHarness _ = harness;
        string version = await harness.SetSecretAsync("retired", "value");
        await harness.DeliverAsync("retired", version);
        await (await harness.Vault.StartDeleteSecretAsync("retired")).WaitForCompletionAsync();
        calls.Clear();

        ReconcileReport synced = await SyncAsync(harness);

        ReconcileItem extra = Item(synced, "retired");
        Assert.Equal((DriftKind.Extra, ReconcileActions.None, ReconcileItemStatus.Reported), (extra.Kind, extra.Actions, extra.Status));
        Assert.Empty(calls.Writes);
        Assert.Equal(version, (await harness.AwsCurrentAsync("retired")).VersionId);
    }

    [Fact]
    public async Task Under_the_delete_policy_a_deleted_secret_is_deleted_in_aws_and_restored_when_recovered_in_key_vault()
    {
        (ReplicationHarness harness, SecretsManagerCallCounter calls) = await StartAsync(new Dictionary<string, string?>
        {
            ["KvReplicator:Reconcile:DeletionPolicy"] = "Delete",
            ["KvReplicator:Reconcile:RecoveryWindowInDays"] = "7",
        });
        await using ReplicationHarness _ = harness;
        string version = await harness.SetSecretAsync("seasonal", "value");
        await harness.DeliverAsync("seasonal", version);
        await (await harness.Vault.StartDeleteSecretAsync("seasonal")).WaitForCompletionAsync();

        Assert.Equal(1, (await VerifyAsync(harness)).DriftFound);
        ReconcileItem deleted = Item(await SyncAsync(harness), "seasonal");
        Assert.Equal((DriftKind.Extra, ReconcileActions.Delete, ReconcileItemStatus.Applied), (deleted.Kind, deleted.Actions, deleted.Status));
        DescribeSecretResponse scheduled = await harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = harness.TargetName("seasonal") });
        Assert.NotNull(scheduled.DeletedDate);
        calls.Clear();
        Assert.Equal(0, (await SyncAsync(harness)).DriftFound);
        Assert.Empty(calls.Writes);

        await (await harness.Vault.StartRecoverDeletedSecretAsync("seasonal")).WaitForCompletionAsync();
        ReconcileItem restored = Item(await SyncAsync(harness), "seasonal");

        Assert.Equal((DriftKind.Missing, ReconcileActions.Restore, ReconcileItemStatus.Applied), (restored.Kind, restored.Actions, restored.Status));
        Assert.Null((await harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = harness.TargetName("seasonal") })).DeletedDate);
        Assert.Equal(version, (await harness.AwsCurrentAsync("seasonal")).VersionId);
    }

    [Fact]
    public async Task A_disabled_latest_version_hands_awscurrent_to_the_newest_enabled_one_and_all_disabled_leaves_aws_alone()
    {
        (ReplicationHarness harness, SecretsManagerCallCounter calls) = await StartAsync();
        await using ReplicationHarness _ = harness;
        string v1 = await harness.SetSecretAsync("rotated", "first");
        string v2 = await harness.SetSecretAsync("rotated", "second");
        await harness.DeliverAsync("rotated", v1);
        await harness.DeliverAsync("rotated", v2);
        await SetEnabledAsync(harness, "rotated", v2, enabled: false);

        ReconcileItem stale = Item(await VerifyAsync(harness), "rotated");
        Assert.Equal((DriftKind.Stale, v1, v2), (stale.Kind, stale.SourceVersion, stale.TargetVersion));
        Assert.Equal(ReconcileActions.Promote, Item(await SyncAsync(harness), "rotated").Actions);
        Assert.Equal((v1, "first"), ((await harness.AwsCurrentAsync("rotated")).VersionId, (await harness.AwsCurrentAsync("rotated")).SecretString!.Reveal()));

        await SetEnabledAsync(harness, "rotated", v1, enabled: false);
        calls.Clear();
        ReconcileReport report = await SyncAsync(harness);

        ReconcileItem disabled = Item(report, "rotated");
        Assert.Equal((DriftKind.Disabled, ReconcileItemStatus.Reported), (disabled.Kind, disabled.Status));
        Assert.Equal(0, report.DriftFound);
        Assert.Empty(calls.Writes);
        Assert.Equal(v1, (await harness.AwsCurrentAsync("rotated")).VersionId);
    }

    [Fact]
    public async Task A_disabled_latest_version_whose_predecessor_never_reached_aws_gets_the_predecessor_written()
    {
        (ReplicationHarness harness, SecretsManagerCallCounter unused) = await StartAsync();
        await using ReplicationHarness _ = harness;
        string v1 = await harness.SetSecretAsync("late", "first");
        string v2 = await harness.SetSecretAsync("late", "second");
        await harness.DeliverAsync("late", v2);
        await SetEnabledAsync(harness, "late", v2, enabled: false);

        Assert.Equal(ReconcileActions.Write, Item(await SyncAsync(harness), "late").Actions);

        GetSecretValueResponse current = await harness.AwsCurrentAsync("late");
        Assert.Equal((v1, "first"), (current.VersionId, current.SecretString!.Reveal()));
    }

    [Fact]
    public async Task Key_vault_tags_and_content_type_reach_aws_on_create_and_a_retag_is_re_applied_by_sync()
    {
        (ReplicationHarness harness, SecretsManagerCallCounter calls) = await StartAsync();
        await using ReplicationHarness _ = harness;
        KeyVaultSecret created = await harness.Vault.SetSecretAsync(new KeyVaultSecret("tagged", "value")
        {
            Properties = { ContentType = "application/json", Tags = { ["team"] = "payments", ["env"] = "prod" } },
        });
        await harness.DeliverAsync("tagged", created.Properties.Version);

        DescribeSecretResponse described = await DescribeAsync(harness, "tagged");
        Dictionary<string, string?> tags = described.Tags!.ToDictionary(tag => tag.Key!, tag => tag.Value);
        Assert.Equal(("payments", "prod", "kvreplicator"), (tags["team"], tags["env"], tags[ReplicationTags.ManagedBy]));
        Assert.Equal(created.Properties.Version, tags[ReplicationTags.SourceVersion]);
        Assert.Contains("Content type: application/json.", described.Description, StringComparison.Ordinal);
        calls.Clear();
        Assert.Equal(0, (await SyncAsync(harness)).DriftFound);
        Assert.Empty(calls.Writes);

        // Someone tags the AWS copy for cost allocation; then the Key Vault tags change. No event says so.
        await harness.Aws.TagResourceAsync(new TagResourceRequest { SecretId = harness.TargetName("tagged"), Tags = [new Tag { Key = "cost-center", Value = "42" }] });
        SecretProperties properties = created.Properties;
        properties.Tags.Clear();
        properties.Tags["team"] = "billing";
        await harness.Vault.UpdateSecretPropertiesAsync(properties);

        Assert.Equal(DriftKind.MetadataDrift, Item(await VerifyAsync(harness), "tagged").Kind);
        calls.Clear();
        ReconcileReport retagged = await SyncAsync(harness);
        Assert.Equal(ReconcileItemStatus.Applied, Item(retagged, "tagged").Status);

        // A tag changed and another removed are two AWS calls, counted as AWS counts them.
        Assert.Equal((2, 2), (retagged.TargetWrites, Item(retagged, "tagged").TargetWrites));
        Assert.Equal(WireCounts(calls), retagged.TargetWritesByOperation);

        tags = (await DescribeAsync(harness, "tagged")).Tags!.ToDictionary(tag => tag.Key!, tag => tag.Value);
        Assert.Equal("billing", tags["team"]);
        Assert.False(tags.ContainsKey("env"));
        Assert.Equal("42", tags["cost-center"]);
        Assert.Equal(["TagResource", "UntagResource"], calls.Writes.Order(StringComparer.Ordinal));
        calls.Clear();
        Assert.Equal(0, (await SyncAsync(harness)).DriftFound);
        Assert.Empty(calls.Writes);
    }

    [Fact]
    public async Task Secrets_created_by_sync_use_the_configured_kms_key()
    {
        (ReplicationHarness harness, SecretsManagerCallCounter unused) = await StartAsync(new Dictionary<string, string?>
        {
            ["KvReplicator:SecretsManager:KmsKeyId"] = "alias/kvrep-test",
        });
        await using ReplicationHarness _ = harness;
        await harness.SetSecretAsync("encrypted", "value");

        Assert.Equal(ReconcileItemStatus.Applied, Item(await SyncAsync(harness), "encrypted").Status);

        Assert.Equal("alias/kvrep-test", (await DescribeAsync(harness, "encrypted")).KmsKeyId);
    }

    [Fact]
    public async Task A_foreign_aws_secret_with_the_same_name_is_reported_not_overwritten_until_adopted()
    {
        (ReplicationHarness harness, SecretsManagerCallCounter calls) = await StartAsync();
        await using ReplicationHarness _ = harness;
        await harness.Aws.CreateSecretAsync(new CreateSecretRequest { Name = harness.TargetName("shared"), SecretString = new SecretValue("theirs") });
        string version = await harness.SetSecretAsync("shared", "ours");
        calls.Clear();

        ReconcileReport verified = await VerifyAsync(harness);
        Assert.Equal(DriftKind.Conflict, Item(verified, "shared").Kind);
        ReconcileItem conflict = Item(await SyncAsync(harness), "shared");

        Assert.Equal((DriftKind.Conflict, ReconcileItemStatus.Reported), (conflict.Kind, conflict.Status));
        Assert.Empty(calls.Writes);
        Assert.Equal("theirs", (await harness.AwsCurrentAsync("shared")).SecretString!.Reveal());

        calls.Clear();
        ReconcileReport adoption = await SyncAsync(harness, adopt: true);
        ReconcileItem adopted = Item(adoption, "shared");
        Assert.Equal(ReconcileItemStatus.Applied, adopted.Status);

        // Adopting is a tag, a value and a description: three AWS write calls, as the report says and the wire saw.
        Assert.Equal(new Dictionary<string, int> { ["PutSecretValue"] = 1, ["TagResource"] = 1, ["UpdateSecret"] = 1 }, WireCounts(calls));
        Assert.Equal(WireCounts(calls), adoption.TargetWritesByOperation);
        Assert.Equal((3, 3), (adoption.TargetWrites, adopted.TargetWrites));
        GetSecretValueResponse current = await harness.AwsCurrentAsync("shared");
        Assert.Equal((version, "ours"), (current.VersionId, current.SecretString!.Reveal()));
        Assert.Contains((await DescribeAsync(harness, "shared")).Tags!, tag => tag.Key == ReplicationTags.ManagedBy && tag.Value == ReplicationTags.ManagedByValue);
        Assert.Equal(0, (await VerifyAsync(harness)).DriftFound);
    }

    [Fact]
    public async Task Filters_are_applied_identically_by_events_and_by_sync()
    {
        (ReplicationHarness harness, SecretsManagerCallCounter unused) = await StartAsync(new Dictionary<string, string?>
        {
            ["KvReplicator:Replication:RequiredTagName"] = "replicate-to-aws",
            ["KvReplicator:Replication:RequiredTagValue"] = "true",
            ["KvReplicator:Replication:ExcludeNamePatterns:0"] = "tmp-*",
        });
        await using ReplicationHarness _ = harness;
        KeyVaultSecret optedIn = await harness.Vault.SetSecretAsync(new KeyVaultSecret("opted-in", "a") { Properties = { Tags = { ["replicate-to-aws"] = "true" } } });
        KeyVaultSecret scratch = await harness.Vault.SetSecretAsync(new KeyVaultSecret("tmp-scratch", "b") { Properties = { Tags = { ["replicate-to-aws"] = "true" } } });
        KeyVaultSecret untagged = await harness.Vault.SetSecretAsync("untagged", "c");

        Assert.Equal(ReplicationOutcomeKind.Replicated, Single(await harness.DeliverAsync("opted-in", optedIn.Properties.Version)).Kind);
        ReplicationOutcome byName = Single(await harness.DeliverAsync("tmp-scratch", scratch.Properties.Version));
        ReplicationOutcome byTag = Single(await harness.DeliverAsync("untagged", untagged.Properties.Version));
        Assert.Equal((ReplicationOutcomeKind.Skipped, "secret name matches an exclude pattern"), (byName.Kind, byName.Reason));
        Assert.Equal((ReplicationOutcomeKind.Skipped, "secret lacks the opt-in tag 'replicate-to-aws'"), (byTag.Kind, byTag.Reason));

        ReconcileReport synced = await SyncAsync(harness);
        Assert.Equal(["opted-in"], synced.Items.Select(item => item.SourceName));
        Assert.Equal(0, synced.DriftFound);

        // Tagging the secret later opts it in for both paths: the skipped event's claim was released.
        untagged.Properties.Tags["replicate-to-aws"] = "true";
        await harness.Vault.UpdateSecretPropertiesAsync(untagged.Properties);
        Assert.Equal(DriftKind.Missing, Item(await SyncAsync(harness, dryRun: true), "untagged").Kind);
        Assert.Equal(ReplicationOutcomeKind.Replicated, Single(await harness.DeliverAsync("untagged", untagged.Properties.Version)).Kind);
        Assert.Equal(0, (await SyncAsync(harness)).DriftFound);
    }

    [Fact]
    public async Task When_the_newest_version_is_disabled_the_aws_tags_stay_those_of_the_current_version()
    {
        (ReplicationHarness harness, SecretsManagerCallCounter calls) = await StartAsync();
        await using ReplicationHarness _ = harness;
        KeyVaultSecret v1 = await harness.Vault.SetSecretAsync(new KeyVaultSecret("rotated", SecretLeakGuard.Register("first value"))
        {
            Properties = { ContentType = "text/plain", Tags = { ["team"] = "payments" } },
        });
        await harness.DeliverAsync("rotated", v1.Properties.Version);
        KeyVaultSecret v2 = await harness.Vault.SetSecretAsync(new KeyVaultSecret("rotated", SecretLeakGuard.Register("second value"))
        {
            Properties = { ContentType = "application/json", Tags = { ["team"] = "from-the-disabled-version" } },
        });
        await harness.DeliverAsync("rotated", v2.Properties.Version);
        await SetEnabledAsync(harness, "rotated", v2.Properties.Version, enabled: false);
        calls.Clear();

        ReconcileItem stale = Item(await SyncAsync(harness), "rotated");

        Assert.Equal((DriftKind.Stale, ReconcileActions.Promote, ReconcileItemStatus.Applied), (stale.Kind, stale.Actions, stale.Status));
        Assert.Equal(["UpdateSecretVersionStage"], calls.Writes);
        DescribeSecretResponse described = await DescribeAsync(harness, "rotated");
        Assert.Equal("payments", Assert.Single(described.Tags!, tag => tag.Key == "team").Value);
        Assert.EndsWith("Content type: text/plain.", described.Description, StringComparison.Ordinal);
        Assert.Equal(v1.Properties.Version, (await harness.AwsCurrentAsync("rotated")).VersionId);
        calls.Clear();
        Assert.Equal(0, (await SyncAsync(harness)).DriftFound);
        Assert.Equal(0, (await VerifyAsync(harness)).DriftFound);
        Assert.Empty(calls.Writes);
    }

    [Fact]
    public async Task Max_writes_per_second_bounds_the_aws_write_calls_sent_and_the_report_counts_what_was_sent()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        for (int index = 0; index < 5; index++)
        {
            await harness.SetSecretAsync($"burst-{index}", $"burst value {index}");
        }

        // The run's clock is fake and moves on only once every secret has reached its write (its DescribeSecret was
        // seen) and the run has gone quiet: write calls can then spread over (fake) seconds only if the budget
        // holds them back. The recorder sits below the throttle, where calls leave for moto.
        var time = new FakeTimeProvider();
        DateTimeOffset start = time.GetUtcNow();
        var recorder = new WireRecorder(time) { InnerHandler = new SocketsHttpHandler() };
        var processLimiter = new WriteRateLimiter(new WriteRateLimitOptions { PermitsPerSecond = 50, Burst = 50 }, TimeProvider.System);
        var http = new HttpClient(new SecretsManagerWriteThrottlingHandler(processLimiter) { InnerHandler = recorder });
        var options = new SecretsManagerOptions { Region = LocalCloudEnvironment.Region, ServiceUrl = harness.Cloud.Moto.Endpoint };
        var target = new SecretsManagerTarget(harness.Cloud.CreateSecretsManagerClient(http), options);
        var replication = Options.Create(new ReplicationOptions { TargetPrefix = harness.Prefix });
        var reconciler = new SecretReconciler(
            harness.Services.GetRequiredService<ISecretSource>(),
            target,
            replication,
            Options.Create(new ReconcileOptions { MaxWritesPerSecond = 2, MaxConcurrency = 5 }),
            time,
            NullLogger<SecretReconciler>.Instance,
            new SecretReplicator(
                harness.Services.GetRequiredService<ISecretSource>(), target, harness.Services.GetRequiredService<IReplicationLedger>(),
                replication, NullLogger<SecretReplicator>.Instance, timeProvider: time));

        Task<ReconcileReport> run = reconciler.ReconcileAsync(new ReconcileRequest());
        int seen = -1;
        int quiet = 0;
        for (int step = 0; !run.IsCompleted && step < 2_000; step++)
        {
            await Task.WhenAny(run, Task.Delay(50));
            if (recorder.Writes.Count != seen)
            {
                (seen, quiet) = (recorder.Writes.Count, 0);
            }
            else if (recorder.Describes >= 5 && ++quiet >= 6)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                quiet = 0;
            }
        }

        ReconcileReport report = await run;
        double[] at = [.. recorder.Writes.Select(moment => (moment - start).TotalSeconds).Order()];
        Assert.Equal(5, at.Length);
        for (int index = 0; index < at.Length; index++)
        {
            // A token bucket of 2 a second, 2 at once: the n-th call cannot leave before (n - 2) / 2 seconds.
            Assert.True(index + 1 <= 2 + (2 * at[index]), $"write call {index + 1} left at {at[index]} s, before the budget allowed it");
        }

        Assert.Equal((5, 5), (report.TargetWrites, report.TargetWritesByOperation["CreateSecret"]));
        Assert.All(report.Items, item => Assert.Equal((ReconcileItemStatus.Applied, 1), (item.Status, item.TargetWrites)));
    }

    private static async Task<(ReplicationHarness Harness, SecretsManagerCallCounter Calls)> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var calls = new SecretsManagerCallCounter();
        ReplicationHarness harness = await ReplicationHarness.StartAsync(
            services => services.AddHttpClient(SecretsManagerClient.HttpClientName).AddHttpMessageHandler(calls.CreateHandler),
            settings);
        return (harness, calls);
    }

    private static Task<ReconcileReport> SyncAsync(ReplicationHarness harness, bool dryRun = false, bool adopt = false) =>
        harness.Services.GetRequiredService<SecretReconciler>().ReconcileAsync(new ReconcileRequest { DryRun = dryRun, Adopt = adopt });

    private static Task<ReconcileReport> VerifyAsync(ReplicationHarness harness) =>
        harness.Services.GetRequiredService<SecretReconciler>().ReconcileAsync(new ReconcileRequest { DryRun = true });

    private static ReconcileItem Item(ReconcileReport report, string sourceName) => Assert.Single(report.Items, item => item.SourceName == sourceName);

    /// <summary>The write calls the wire saw, by operation, as the report counts them.</summary>
    private static Dictionary<string, int> WireCounts(SecretsManagerCallCounter calls) =>
        calls.Writes.GroupBy(operation => operation, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);

    private static ReplicationOutcome Single(DeliveryResult result) => Assert.Single(result.Events).Outcome;

    private static Task<DescribeSecretResponse> DescribeAsync(ReplicationHarness harness, string name) =>
        harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = harness.TargetName(name) });

    private static async Task SetEnabledAsync(ReplicationHarness harness, string name, string version, bool enabled)
    {
        SecretProperties properties = (await harness.Vault.GetSecretAsync(name, version)).Value.Properties;
        properties.Enabled = enabled;
        await harness.Vault.UpdateSecretPropertiesAsync(properties);
    }

    /// <summary>Records, on the run's fake clock, when each write call leaves for moto, and counts the DescribeSecret calls.</summary>
    private sealed class WireRecorder(TimeProvider time) : DelegatingHandler
    {
        private readonly ConcurrentQueue<DateTimeOffset> _writes = new();
        private int _describes;

        public IReadOnlyList<DateTimeOffset> Writes => [.. _writes];

        public int Describes => Volatile.Read(ref _describes);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (SecretsManagerWriteThrottlingHandler.WriteOperation(request) is not null)
            {
                _writes.Enqueue(time.GetUtcNow());
            }
            else if (request.Headers.GetValues("X-Amz-Target").Single().EndsWith(".DescribeSecret", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _describes);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
