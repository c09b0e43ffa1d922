using System.Text.Json.Nodes;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Reconciliation;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// Issue 14 item 4 on moto, the local Key Vault and Azurite, composed as production composes them: binary values,
/// tags re-applied by sync, the takeover policy, the resource policy and the name template, each set by
/// configuration only.
/// </summary>
public sealed class MetadataParityEndToEndTests
{
    [Fact]
    public async Task A_binary_content_type_is_written_as_SecretBinary_that_reads_back_byte_for_byte_and_sync_finds_it_in_line()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        byte[] bytes = [0x00, 0x01, 0xfe, 0xff, 0x7f, 0x80, .. "pkcs12-ish"u8];
        string encoded = SecretLeakGuard.Register(Convert.ToBase64String(bytes));
        KeyVaultSecret secret = await harness.Vault.SetSecretAsync(new KeyVaultSecret("cert-bundle", encoded) { Properties = { ContentType = "application/octet-stream" } });

        DeliveryResult result = await harness.DeliverAsync("cert-bundle", secret.Properties.Version);

        Assert.Equal(DeliveryDisposition.Completed, result.Disposition);
        GetSecretValueResponse current = await harness.AwsCurrentAsync("cert-bundle");
        Assert.Null(current.SecretString);
        Assert.Equal(bytes, Convert.FromBase64String(current.SecretBinary!.Reveal()));
        Assert.Equal(secret.Properties.Version, current.VersionId);
        ReconcileReport verified = await harness.Services.GetRequiredService<SecretReconciler>().ReconcileAsync(new ReconcileRequest { DryRun = true });
        Assert.Equal(0, verified.DriftFound);
    }

    [Fact]
    public async Task Sync_re_applies_key_vault_tags_changed_without_a_new_version_and_an_excluded_tag_never_reaches_aws()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["KvReplicator:SecretsManager:ExcludeTagPatterns:0"] = "internal-*",
        });
        KeyVaultSecret secret = await harness.Vault.SetSecretAsync(new KeyVaultSecret("retagged", SecretLeakGuard.Register("retag value"))
        {
            Properties = { Tags = { ["team"] = "payments", ["internal-id"] = "7" } },
        });
        await harness.DeliverAsync("retagged", secret.Properties.Version);
        Dictionary<string, string?> created = await TagsAsync(harness, "retagged");
        Assert.Equal(("payments", false), (created["team"], created.ContainsKey("internal-id")));

        // The tags change in Key Vault; the value does not, so no event comes and no version is made.
        SecretProperties properties = secret.Properties;
        properties.Tags["team"] = "billing";
        properties.Tags["internal-id"] = "8";
        properties.Tags["owner"] = "ana";
        await harness.Vault.UpdateSecretPropertiesAsync(properties);
        var reconciler = harness.Services.GetRequiredService<SecretReconciler>();
        Assert.Equal(DriftKind.MetadataDrift, Assert.Single((await reconciler.ReconcileAsync(new ReconcileRequest { DryRun = true })).Items).Kind);

        ReconcileReport synced = await reconciler.ReconcileAsync(new ReconcileRequest());

        Assert.Equal(ReconcileItemStatus.Applied, Assert.Single(synced.Items).Status);
        Dictionary<string, string?> tags = await TagsAsync(harness, "retagged");
        Assert.Equal(("billing", "ana", false), (tags["team"], tags["owner"], tags.ContainsKey("internal-id")));
        Assert.Equal([secret.Properties.Version], (await harness.AwsVersionsAsync("retagged")).Select(version => version.VersionId));
        Assert.Equal(0, (await reconciler.ReconcileAsync(new ReconcileRequest { DryRun = true })).DriftFound);
    }

    [Fact]
    public async Task Takeover_AdoptIfEqual_adopts_an_existing_secret_holding_the_same_value_and_refuses_one_holding_another()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["KvReplicator:SecretsManager:TakeoverPolicy"] = "AdoptIfEqual",
        });
        string same = SecretLeakGuard.Register("the value both sides hold");
        string theirs = SecretLeakGuard.Register("a value only AWS holds");
        string ours = SecretLeakGuard.Register("a value only Key Vault holds");
        await harness.Aws.CreateSecretAsync(new CreateSecretRequest { Name = harness.TargetName("equal"), ClientRequestToken = Guid.NewGuid().ToString(), SecretString = new SecretValue(same) });
        await harness.Aws.CreateSecretAsync(new CreateSecretRequest { Name = harness.TargetName("unequal"), ClientRequestToken = Guid.NewGuid().ToString(), SecretString = new SecretValue(theirs) });
        string equalVersion = await harness.SetSecretAsync("equal", same);
        string unequalVersion = await harness.SetSecretAsync("unequal", ours);

        DeliveryResult adopted = await harness.DeliverAsync("equal", equalVersion);
        DeliveryResult refused = await harness.DeliverAsync("unequal", unequalVersion);

        Assert.Equal(DeliveryDisposition.Completed, adopted.Disposition);
        Assert.Equal(equalVersion, (await harness.AwsCurrentAsync("equal")).VersionId);
        Assert.Equal("kvreplicator", (await TagsAsync(harness, "equal"))[ReplicationTags.ManagedBy]);

        Assert.Equal(DeliveryDisposition.Rejected, refused.Disposition);
        Assert.Contains("TakeoverPolicy=AdoptIfEqual", refused.Summary, StringComparison.Ordinal);
        Assert.Equal(theirs, (await harness.AwsCurrentAsync("unequal")).SecretString!.Reveal());
        Assert.False((await TagsAsync(harness, "unequal")).ContainsKey(ReplicationTags.ManagedBy));
        Assert.All(new[] { same, theirs, ours }, value => Assert.DoesNotContain(value, refused.Summary, StringComparison.Ordinal));
        harness.Logs.AssertContainsNone([same, theirs, ours]);
    }

    [Fact]
    public async Task Sync_under_AdoptIfEqual_takes_over_an_existing_secret_holding_the_same_value_and_reports_one_holding_another()
    {
        // Onboarding a vault whose secrets were copied to AWS by hand: no event will come for them, sync does it.
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["KvReplicator:SecretsManager:TakeoverPolicy"] = "AdoptIfEqual",
        });
        string same = SecretLeakGuard.Register("copied by hand, equal");
        string theirs = SecretLeakGuard.Register("copied by hand, since changed in AWS");
        await harness.Aws.CreateSecretAsync(new CreateSecretRequest { Name = harness.TargetName("equal"), ClientRequestToken = Guid.NewGuid().ToString(), SecretString = new SecretValue(same) });
        await harness.Aws.CreateSecretAsync(new CreateSecretRequest { Name = harness.TargetName("unequal"), ClientRequestToken = Guid.NewGuid().ToString(), SecretString = new SecretValue(theirs) });
        string equalVersion = await harness.SetSecretAsync("equal", same);
        await harness.SetSecretAsync("unequal", "changed in Key Vault too");

        ReconcileReport synced = await harness.Services.GetRequiredService<SecretReconciler>().ReconcileAsync(new ReconcileRequest());

        ReconcileItem adopted = Assert.Single(synced.Items, item => item.SourceName == "equal");
        ReconcileItem refused = Assert.Single(synced.Items, item => item.SourceName == "unequal");
        Assert.Equal((DriftKind.Conflict, ReconcileItemStatus.Applied), (adopted.Kind, adopted.Status));
        Assert.Equal(equalVersion, (await harness.AwsCurrentAsync("equal")).VersionId);
        Assert.Equal((DriftKind.Conflict, ReconcileItemStatus.Reported), (refused.Kind, refused.Status));
        Assert.Contains("TakeoverPolicy refused", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(theirs, (await harness.AwsCurrentAsync("unequal")).SecretString!.Reveal());
        Assert.False((await TagsAsync(harness, "unequal")).ContainsKey(ReplicationTags.ManagedBy));
        Assert.Equal(1, (await harness.Services.GetRequiredService<SecretReconciler>().ReconcileAsync(new ReconcileRequest { DryRun = true })).DriftFound);
    }

    [Fact]
    public async Task A_name_template_places_the_secret_under_its_vault_with_the_resource_policy_and_sync_finds_it_in_line()
    {
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}""";
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["KvReplicator:Replication:TargetNameTemplate"] = "{prefix}{vault}/{name}",
            ["KvReplicator:SecretsManager:ResourcePolicy"] = policy,
        });
        string version = await harness.SetSecretAsync("shared-api-key", "policy value");

        Assert.Equal(DeliveryDisposition.Completed, (await harness.DeliverAsync("shared-api-key", version)).Disposition);

        string name = $"{harness.Prefix}{harness.Cloud.KeyVault.VaultName.ToLowerInvariant()}/shared-api-key";
        GetResourcePolicyResponse put = await harness.Aws.GetResourcePolicyAsync(new GetResourcePolicyRequest { SecretId = name });
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(policy), JsonNode.Parse(put.ResourcePolicy!)));
        Assert.Equal(0, (await harness.Services.GetRequiredService<SecretReconciler>().ReconcileAsync(new ReconcileRequest { DryRun = true })).DriftFound);
    }

    [Fact]
    public async Task A_targets_own_tags_are_on_every_secret_it_creates_win_over_a_key_vault_tag_and_sync_puts_them_back()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["KvReplicator:SecretsManager:Tags:cost-center"] = "cc-42",
            ["KvReplicator:SecretsManager:Tags:env"] = "prod",
        });
        KeyVaultSecret secret = await harness.Vault.SetSecretAsync(new KeyVaultSecret("tagged-by-target", SecretLeakGuard.Register("target tags value"))
        {
            Properties = { Tags = { ["team"] = "payments", ["env"] = "dev" } },
        });
        await harness.DeliverAsync("tagged-by-target", secret.Properties.Version);

        Dictionary<string, string?> created = await TagsAsync(harness, "tagged-by-target");
        Assert.Equal(("cc-42", "prod", "payments"), (created["cost-center"], created["env"], created["team"]));

        // Someone changes one on the AWS side: sync puts the target's value back, and writes no version.
        await harness.Aws.TagResourceAsync(new TagResourceRequest
        {
            SecretId = harness.TargetName("tagged-by-target"),
            Tags = [new Tag { Key = "cost-center", Value = "changed-by-hand" }],
        });
        var reconciler = harness.Services.GetRequiredService<SecretReconciler>();
        Assert.Equal(DriftKind.MetadataDrift, Assert.Single((await reconciler.ReconcileAsync(new ReconcileRequest { DryRun = true })).Items).Kind);
        await reconciler.ReconcileAsync(new ReconcileRequest());

        Assert.Equal("cc-42", (await TagsAsync(harness, "tagged-by-target"))["cost-center"]);
        Assert.Equal([secret.Properties.Version], (await harness.AwsVersionsAsync("tagged-by-target")).Select(version => version.VersionId));
    }

    private static async Task<Dictionary<string, string?>> TagsAsync(ReplicationHarness harness, string name) =>
        ((await harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = harness.TargetName(name) })).Tags ?? []).ToDictionary(tag => tag.Key!, tag => tag.Value);
}
