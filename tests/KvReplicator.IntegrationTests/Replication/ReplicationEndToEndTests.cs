using System.Text;
using KvReplicator.Ledger;
using KvReplicator.IntegrationTests.SecretsManager;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// Issue "Replication core": one event in, one AWS version out, through the real Key Vault SDK client
/// (against the local Key Vault), the real Blob SDK client (Azurite) and our Secrets Manager client (moto).
/// </summary>
public sealed class ReplicationEndToEndTests
{
    [Fact]
    public async Task A_new_secret_is_created_in_aws_with_its_value_and_every_version_follows()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string[] values = ["first value", "second value", "third value", "fourth value"];
        var versions = new List<string>();

        foreach (string value in values)
        {
            string version = await harness.SetSecretAsync("app-db", value);
            versions.Add(version);
            DeliveryResult result = await harness.DeliverAsync("app-db", version);
            Assert.Equal(DeliveryDisposition.Completed, result.Disposition);
            Assert.Equal(ReplicationOutcomeKind.Replicated, Assert.Single(result.Events).Outcome.Kind);
        }

        IReadOnlyList<SecretVersionsListEntry> awsVersions = await harness.AwsVersionsAsync("app-db");
        Assert.Equal(versions.Order(), awsVersions.Select(v => v.VersionId!).Order());
        GetSecretValueResponse current = await harness.AwsCurrentAsync("app-db");
        Assert.Equal(versions[^1], current.VersionId);
        Assert.Equal("fourth value", current.SecretString!.Reveal());
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], await harness.AwsValueAsync("app-db", versions[i]));
        }

        DescribeSecretResponse described = await harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = harness.TargetName("app-db") });
        Assert.Contains(described.Tags!, t => t.Key == ReplicationTags.ManagedBy && t.Value == ReplicationTags.ManagedByValue);
        Assert.Contains(described.Tags!, t => t.Key == ReplicationTags.SourceVault && t.Value == harness.Cloud.KeyVault.VaultName);
        Assert.Contains(described.Tags!, t => t.Key == ReplicationTags.SourceName && t.Value == "app-db");
        Assert.Contains(described.Tags!, t => t.Key == ReplicationTags.SourceVersion && t.Value == versions[0]);
        harness.Logs.AssertContainsNone(values);
    }

    [Fact]
    public async Task The_same_event_delivered_five_times_and_concurrently_leaves_exactly_one_aws_version()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string first = await harness.SetSecretAsync("dup", "only once please");

        DeliveryResult[] sequential = new DeliveryResult[5];
        for (int i = 0; i < sequential.Length; i++)
        {
            sequential[i] = await harness.DeliverAsync("dup", first);
        }

        string second = await harness.SetSecretAsync("dup", "and this one once too");
        DeliveryResult[] concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => harness.DeliverAsync("dup", second))));

        Assert.Equal(ReplicationOutcomeKind.Replicated, sequential[0].Events[0].Outcome.Kind);
        Assert.All(sequential[1..], r => Assert.Equal(ReplicationOutcomeKind.AlreadyDone, r.Events[0].Outcome.Kind));
        // Concurrent duplicates: one writes, the others see it done or in flight (and would be retried).
        Assert.Equal(1, concurrent.Count(r => r.Events[0].Outcome.Kind == ReplicationOutcomeKind.Replicated));
        Assert.All(concurrent, r => Assert.Contains(r.Events[0].Outcome.Kind, new[] { ReplicationOutcomeKind.Replicated, ReplicationOutcomeKind.AlreadyDone, ReplicationOutcomeKind.RetryLater }));
        DeliveryResult retried = await harness.DeliverAsync("dup", second);
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, retried.Events[0].Outcome.Kind);

        IReadOnlyList<SecretVersionsListEntry> awsVersions = await harness.AwsVersionsAsync("dup");
        Assert.Equal(new[] { first, second }.Order(), awsVersions.Select(v => v.VersionId!).Order());
        Assert.Equal(second, (await harness.AwsCurrentAsync("dup")).VersionId);
    }

    [Fact]
    public async Task A_failure_after_the_claim_and_before_the_write_loses_nothing()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(AddFaultyTarget);
        var faulty = harness.Services.GetRequiredService<FaultyTarget>();
        string version = await harness.SetSecretAsync("flaky", "survives a failed write");
        faulty.FailBeforeWrite();

        DeliveryResult failed = await harness.DeliverAsync("flaky", version);
        DeliveryResult retried = await harness.DeliverAsync("flaky", version);

        Assert.Equal(DeliveryDisposition.RetryLater, failed.Disposition);
        Assert.Equal(ReplicationOutcomeKind.Replicated, retried.Events[0].Outcome.Kind);
        Assert.Equal("survives a failed write", (await harness.AwsCurrentAsync("flaky")).SecretString!.Reveal());
    }

    [Fact]
    public async Task A_failure_after_the_write_and_before_the_commit_writes_the_version_once()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(AddFaultyTarget);
        var faulty = harness.Services.GetRequiredService<FaultyTarget>();
        string version = await harness.SetSecretAsync("half-done", "written but not recorded");
        faulty.FailAfterWrite();

        DeliveryResult failed = await harness.DeliverAsync("half-done", version);
        DeliveryResult retried = await harness.DeliverAsync("half-done", version);
        DeliveryResult duplicate = await harness.DeliverAsync("half-done", version);

        Assert.Equal(DeliveryDisposition.RetryLater, failed.Disposition);
        Assert.Equal(ReplicationOutcomeKind.Replicated, retried.Events[0].Outcome.Kind);
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, duplicate.Events[0].Outcome.Kind);
        Assert.Equal(2, faulty.Writes);
        Assert.Equal([version], (await harness.AwsVersionsAsync("half-done")).Select(v => v.VersionId!));
        var ledger = harness.Services.GetRequiredService<BlobReplicationLedger>();
        LedgerRecord record = await ledger.ReadAsync(new LedgerKey(harness.Cloud.KeyVault.VaultName, "half-done"));
        Assert.True(record.State!.IsDone(version));
        Assert.Null(record.State.Lock);
    }

    [Fact]
    public async Task A_newer_version_delivered_before_an_older_one_stays_current()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string older = await harness.SetSecretAsync("reordered", "older value");
        string newer = await harness.SetSecretAsync("reordered", "newer value");

        DeliveryResult newerFirst = await harness.DeliverAsync("reordered", newer);
        DeliveryResult olderLate = await harness.DeliverAsync("reordered", older);

        Assert.Equal(ReplicationOutcomeKind.Replicated, newerFirst.Events[0].Outcome.Kind);
        Assert.True(olderLate.Events[0].Outcome.Superseded);
        GetSecretValueResponse current = await harness.AwsCurrentAsync("reordered");
        Assert.Equal(newer, current.VersionId);
        Assert.Equal("newer value", current.SecretString!.Reveal());
        Assert.Equal("older value", await harness.AwsValueAsync("reordered", older));
    }

    [Fact]
    public async Task An_older_version_arriving_first_at_a_new_target_never_becomes_current()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string older = await harness.SetSecretAsync("late-start", "older value");
        string newer = await harness.SetSecretAsync("late-start", "newer value");

        DeliveryResult olderFirst = await harness.DeliverAsync("late-start", older);

        Assert.Equal(ReplicationOutcomeKind.Replicated, olderFirst.Events[0].Outcome.Kind);
        Assert.Equal(newer, (await harness.AwsCurrentAsync("late-start")).VersionId);
        Assert.Equal("older value", await harness.AwsValueAsync("late-start", older));

        // The newer version was written ahead and recorded: its own event costs nothing.
        DeliveryResult newerLater = await harness.DeliverAsync("late-start", newer);
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, newerLater.Events[0].Outcome.Kind);
        Assert.Equal(older, (await harness.AwsStagesAsync("late-start")).Single(pair => pair.Value.Contains("AWSPREVIOUS")).Key);
        Assert.Equal(2, (await harness.AwsVersionsAsync("late-start")).Count);
        Assert.Equal(newer, (await harness.AwsCurrentAsync("late-start")).VersionId);
    }

    [Fact]
    public async Task An_older_version_made_current_behind_the_ledgers_back_is_set_right_by_sync()
    {
        // Written outside the replicator (the ledger knows nothing of it): the older version holds AWSCURRENT.
        // A redelivery cannot tell (CreateSecret with a token the secret holds succeeds and changes nothing);
        // sync looks at AWS first and moves AWSCURRENT to the newest version.
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string older = await harness.SetSecretAsync("handed-back", "older value");
        string newer = await harness.SetSecretAsync("handed-back", "newer value");
        var target = harness.Services.GetRequiredService<ISecretTarget>();
        var source = harness.Services.GetRequiredService<ISecretSource>();
        foreach (string version in new[] { newer, older })
        {
            SourceSecretVersion secret = (await source.ReadVersionAsync("handed-back", version)).Secret!;
            await target.WriteAsync(new TargetSecretWrite { TargetName = harness.TargetName("handed-back"), VersionId = version, Value = secret.Value, Stage = TargetVersionStage.Current, Source = secret });
        }

        Assert.Equal(older, (await harness.AwsCurrentAsync("handed-back")).VersionId);

        ReconcileReport report = await harness.Services.GetRequiredService<SecretReconciler>().ReconcileAsync(new ReconcileRequest());

        Assert.False(report.HasFailures);
        Assert.Equal(newer, (await harness.AwsCurrentAsync("handed-back")).VersionId);
        Assert.Equal(older, (await harness.AwsStagesAsync("handed-back")).Single(pair => pair.Value.Contains("AWSPREVIOUS")).Key);
        Assert.Equal(2, (await harness.AwsVersionsAsync("handed-back")).Count);
    }

    [Fact]
    public async Task A_disabled_version_is_skipped_and_replicated_once_enabled_and_redelivered()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string version = await harness.SetSecretAsync("toggled", "disabled at first");
        var properties = (await harness.Vault.GetSecretAsync("toggled", version)).Value.Properties;
        properties.Enabled = false;
        await harness.Vault.UpdateSecretPropertiesAsync(properties);

        DeliveryResult skipped = await harness.DeliverAsync("toggled", version);
        properties.Enabled = true;
        await harness.Vault.UpdateSecretPropertiesAsync(properties);
        DeliveryResult replayed = await harness.DeliverAsync("toggled", version);

        Assert.Equal(ReplicationOutcomeKind.Skipped, skipped.Events[0].Outcome.Kind);
        Assert.Contains("disabled", skipped.Events[0].Outcome.Reason);
        Assert.Equal(ReplicationOutcomeKind.Replicated, replayed.Events[0].Outcome.Kind);
    }

    [Fact]
    public async Task A_force_deleted_aws_secret_is_recreated_by_the_next_version()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        await harness.DeliverAsync("recreated", await harness.SetSecretAsync("recreated", "before deletion"));
        await harness.Aws.DeleteSecretAsync(new DeleteSecretRequest { SecretId = harness.TargetName("recreated"), ForceDeleteWithoutRecovery = true });

        string next = await harness.SetSecretAsync("recreated", "after deletion");
        DeliveryResult result = await harness.DeliverAsync("recreated", next);

        Assert.True(result.Events[0].Outcome.CreatedTarget);
        Assert.Equal("after deletion", (await harness.AwsCurrentAsync("recreated")).SecretString!.Reveal());
    }

    [Fact]
    public async Task An_aws_secret_scheduled_for_deletion_is_restored_by_the_next_version()
    {
        // AWS refuses a PutSecretValue on a secret scheduled for deletion, which sends the target to
        // DescribeSecret and RestoreSecret although the ledger knows the secret as ours. moto accepts that put
        // silently, so a handler in front of it refuses it as AWS does.
        var refusing = new DeletionRefusingHandler();
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(
            services => services.AddHttpClient(KvReplicator.SecretsManager.SecretsManagerClient.HttpClientName).AddHttpMessageHandler(() => refusing));
        await harness.DeliverAsync("restored", await harness.SetSecretAsync("restored", "before deletion"));
        await harness.Aws.DeleteSecretAsync(new DeleteSecretRequest { SecretId = harness.TargetName("restored"), RecoveryWindowInDays = 7 });
        refusing.MarkScheduledForDeletion(harness.TargetName("restored"));

        string next = await harness.SetSecretAsync("restored", "after restore");
        DeliveryResult result = await harness.DeliverAsync("restored", next);

        Assert.True(result.Events[0].Outcome.RestoredTarget);
        DescribeSecretResponse described = await harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = harness.TargetName("restored") });
        Assert.Null(described.DeletedDate);
        Assert.Equal("after restore", (await harness.AwsCurrentAsync("restored")).SecretString!.Reveal());
    }

    public static TheoryData<string, string> Values => new()
    {
        { "one-byte", "x" },
        { "max-size", new string('k', 25 * 1024) },
        { "unicode", "pässwörd ✓ 密码 🔐 \u200b zero-width" },
        { "json", """{"user":"app","password":"p@ss\"word","nested":{"list":[1,2,3]}}""" },
        { "whitespace", "  leading and trailing spaces, tabs\t and newlines\n\r\n " },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Values_survive_byte_for_byte(string name, string value)
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string version = await harness.SetSecretAsync(name, value);

        await harness.DeliverAsync(name, version);

        string replicated = (await harness.AwsCurrentAsync(name)).SecretString!.Reveal();
        Assert.Equal(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(replicated));
        harness.Logs.AssertContainsNone([value]);
    }

    [Fact]
    public async Task The_replicators_own_credentials_stay_in_key_vault()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string version = await harness.SetSecretAsync("kvrep-roles-anywhere-private-key", "-----BEGIN PRIVATE KEY-----not really-----END PRIVATE KEY-----");

        DeliveryResult result = await harness.DeliverAsync("kvrep-roles-anywhere-private-key", version);

        Assert.Equal(ReplicationOutcomeKind.Skipped, result.Events[0].Outcome.Kind);
        await Assert.ThrowsAsync<SecretsManagerException>(() => harness.AwsCurrentAsync("kvrep-roles-anywhere-private-key"));
    }

    private static void AddFaultyTarget(IServiceCollection services)
    {
        services.AddSingleton(provider => new FaultyTarget(provider.GetRequiredService<SecretsManagerTarget>()));
        services.AddSingleton<ISecretTarget>(provider => provider.GetRequiredService<FaultyTarget>());
    }
}
