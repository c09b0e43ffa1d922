using System.Text.Json.Nodes;
using KvReplicator.IntegrationTests.Replication;
using KvReplicator.Reconciliation;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Reconciliation;

/// <summary>
/// Sync compares an existing secret's resource policy, KMS key and replica regions with the target's settings and
/// repairs them on moto, composed as production composes it. moto ignores BlockPublicPolicy and a replica's KMS
/// key (it reports aws/secretsmanager for every replica) and checks no KMS key exists: those are checked on the
/// wire by SecretsManagerTargetSettingsTests.
/// </summary>
public sealed class SettingsDriftEndToEndTests
{
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}""";
    private const string Key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string ReplicaRegion = "eu-central-1";

    [Fact]
    public async Task A_secret_of_ours_found_without_the_policy_key_and_replica_is_reported_by_a_dry_run_repaired_by_sync_and_then_in_line()
    {
        await using ReplicationHarness harness = await StartAsync();
        string version = await harness.SetSecretAsync("found", "found value");
        await SeedOursByHandAsync(harness, "found", version, "found value");
        SecretReconciler reconciler = harness.Services.GetRequiredService<SecretReconciler>();

        ReconcileItem planned = Assert.Single((await reconciler.ReconcileAsync(new ReconcileRequest { DryRun = true })).Items);

        Assert.Equal(ReconcileItemStatus.Planned, planned.Status);
        Assert.Superset(new HashSet<DriftKind> { DriftKind.ResourcePolicyDrift, DriftKind.KmsKeyDrift, DriftKind.ReplicaDrift }, planned.Drifts.ToHashSet());
        Assert.Equal(ReconcileActions.PutResourcePolicy | ReconcileActions.UpdateKmsKey | ReconcileActions.AddReplicaRegions, planned.Actions & ~ReconcileActions.UpdateMetadata);
        Assert.Null((await harness.Aws.GetResourcePolicyAsync(new GetResourcePolicyRequest { SecretId = harness.TargetName("found") })).ResourcePolicy);

        ReconcileReport synced = await reconciler.ReconcileAsync(new ReconcileRequest());

        Assert.Equal(ReconcileItemStatus.Applied, Assert.Single(synced.Items).Status);
        // UpdateSecret twice: the description the hand-made secret lacks (metadata), then the key.
        Assert.Equal((1, 2, 1), (synced.TargetWritesByOperation["PutResourcePolicy"], synced.TargetWritesByOperation["UpdateSecret"], synced.TargetWritesByOperation["ReplicateSecretToRegions"]));
        DescribeSecretResponse described = await harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = harness.TargetName("found") });
        Assert.Equal(Key, described.KmsKeyId);
        Assert.Equal([ReplicaRegion], described.ReplicationStatus!.Select(replica => replica.Region));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Policy), JsonNode.Parse((await harness.Aws.GetResourcePolicyAsync(new GetResourcePolicyRequest { SecretId = harness.TargetName("found") })).ResourcePolicy!)));

        // No version was written for the key change, and a second run finds nothing and writes nothing.
        Assert.Equal([version], (await harness.AwsVersionsAsync("found")).Select(listed => listed.VersionId));
        ReconcileReport again = await reconciler.ReconcileAsync(new ReconcileRequest());
        Assert.Equal((0, 0), (again.DriftFound, again.TargetWrites));
        harness.Logs.AssertContainsNone(["found value"]);
    }

    [Fact]
    public async Task A_policy_rewritten_in_another_form_is_in_line_one_granting_something_else_is_put_back()
    {
        await using ReplicationHarness harness = await StartAsync(replicas: false);
        string version = await harness.SetSecretAsync("guarded", "guarded value");
        await harness.DeliverAsync("guarded", version);
        SecretReconciler reconciler = harness.Services.GetRequiredService<SecretReconciler>();
        string name = harness.TargetName("guarded");

        // The same grant, reordered and with one-element lists, as a console or another tool may write it back.
        await harness.Aws.PutResourcePolicyAsync(new PutResourcePolicyRequest
        {
            SecretId = name,
            ResourcePolicy = """{ "Statement": { "Resource": ["*"], "Action": ["secretsmanager:GetSecretValue"], "Principal": { "AWS": ["arn:aws:iam::111122223333:role/reader"] }, "Effect": "Allow" }, "Version": "2012-10-17" }""",
        });
        Assert.Equal(0, (await reconciler.ReconcileAsync(new ReconcileRequest { DryRun = true })).DriftFound);

        await harness.Aws.PutResourcePolicyAsync(new PutResourcePolicyRequest { SecretId = name, ResourcePolicy = Policy.Replace("role/reader", "root", StringComparison.Ordinal) });
        ReconcileItem drift = Assert.Single((await reconciler.ReconcileAsync(new ReconcileRequest { DryRun = true })).Items);
        Assert.Equal((DriftKind.ResourcePolicyDrift, ReconcileActions.PutResourcePolicy), (drift.Kind, drift.Actions));

        ReconcileReport synced = await reconciler.ReconcileAsync(new ReconcileRequest());

        Assert.Equal((ReconcileItemStatus.Applied, 1), (Assert.Single(synced.Items).Status, synced.TargetWrites));
        Assert.Contains("role/reader", (await harness.Aws.GetResourcePolicyAsync(new GetResourcePolicyRequest { SecretId = name })).ResourcePolicy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_settings_a_policy_key_and_replica_someone_else_set_are_neither_compared_nor_removed()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string version = await harness.SetSecretAsync("theirs-settings", "their settings value");
        await harness.DeliverAsync("theirs-settings", version);
        string name = harness.TargetName("theirs-settings");
        await harness.Aws.PutResourcePolicyAsync(new PutResourcePolicyRequest { SecretId = name, ResourcePolicy = Policy });
        await harness.Aws.UpdateSecretAsync(new UpdateSecretRequest { SecretId = name, KmsKeyId = Key });
        await harness.Aws.ReplicateSecretToRegionsAsync(new ReplicateSecretToRegionsRequest { SecretId = name, AddReplicaRegions = [new ReplicaRegionType { Region = ReplicaRegion }] });

        ReconcileReport synced = await harness.Services.GetRequiredService<SecretReconciler>().ReconcileAsync(new ReconcileRequest());

        Assert.Equal((0, 0), (synced.DriftFound, synced.TargetWrites));
        DescribeSecretResponse described = await harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name });
        Assert.Equal((Key, ReplicaRegion), (described.KmsKeyId, Assert.Single(described.ReplicationStatus!).Region));
        Assert.NotNull((await harness.Aws.GetResourcePolicyAsync(new GetResourcePolicyRequest { SecretId = name })).ResourcePolicy);
    }

    private static Task<ReplicationHarness> StartAsync(bool replicas = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["KvReplicator:SecretsManager:ResourcePolicy"] = Policy,
            ["KvReplicator:SecretsManager:KmsKeyId"] = Key,
        };
        if (replicas)
        {
            settings["KvReplicator:SecretsManager:ReplicaRegions:0"] = ReplicaRegion;
        }

        return ReplicationHarness.StartAsync(settings: settings);
    }

    /// <summary>A secret of ours as an earlier release (or a person restoring it) left it: the version, our tags, none of the settings.</summary>
    private static Task SeedOursByHandAsync(ReplicationHarness harness, string name, string version, string value) =>
        harness.Aws.CreateSecretAsync(new CreateSecretRequest
        {
            Name = harness.TargetName(name),
            ClientRequestToken = version,
            SecretString = new SecretValue(value),
            Tags =
            [
                new Tag { Key = ReplicationTags.ManagedBy, Value = ReplicationTags.ManagedByValue },
                new Tag { Key = ReplicationTags.SourceVault, Value = harness.Cloud.KeyVault.VaultName },
                new Tag { Key = ReplicationTags.SourceName, Value = name },
                new Tag { Key = ReplicationTags.SourceVersion, Value = version },
            ],
        });
}
