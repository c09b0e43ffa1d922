using System.Text.Json.Nodes;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.DependencyInjection;
using KvReplicator.Ledger;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Reconciliation;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// Issue 14, item 2: one deployment, two vaults (two local Key Vaults), each with its own filters and names, both
/// holding a secret of the same name. Each vault's events reach AWS under its own prefix with its own value, the
/// ledger keeps the two apart, and an event of a vault the deployment does not list is rejected.
/// </summary>
public sealed class SeveralVaultsTests
{
    [Fact]
    public async Task Two_vaults_with_a_secret_of_the_same_name_stay_apart_and_a_third_vault_is_rejected()
    {
        await using LocalKeyVault second = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { VaultName = "secondvault" });
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            // The single vault's section and its prefix are unset: the vaults are listed instead, each with its own.
            ["KvReplicator:KeyVault:VaultUri"] = "",
            ["KvReplicator:KeyVault:VaultName"] = "",
            ["KvReplicator:KeyVault:DisableChallengeResourceVerification"] = "",
            ["KvReplicator:KeyVault:TrustedServerCertificateThumbprint"] = "",
            ["KvReplicator:Replication:TargetPrefix"] = "",
        }, cloudSettings: (cloud, prefix) => new Dictionary<string, string?>
        {
            ["KvReplicator:Vaults:0:KeyVault:VaultUri"] = cloud.KeyVault.VaultUri.ToString(),
            ["KvReplicator:Vaults:0:KeyVault:VaultName"] = cloud.KeyVault.VaultName,
            ["KvReplicator:Vaults:0:KeyVault:DisableChallengeResourceVerification"] = "true",
            ["KvReplicator:Vaults:0:KeyVault:TrustedServerCertificateThumbprint"] = cloud.KeyVault.CertificateThumbprintSha256,
            ["KvReplicator:Vaults:0:Replication:TargetPrefix"] = prefix + "one/",
            ["KvReplicator:Vaults:1:KeyVault:VaultUri"] = second.VaultUri.ToString(),
            ["KvReplicator:Vaults:1:KeyVault:VaultName"] = second.VaultName,
            ["KvReplicator:Vaults:1:KeyVault:DisableChallengeResourceVerification"] = "true",
            ["KvReplicator:Vaults:1:KeyVault:TrustedServerCertificateThumbprint"] = second.CertificateThumbprintSha256,
            ["KvReplicator:Vaults:1:Replication:TargetPrefix"] = prefix + "two/",
            ["KvReplicator:Vaults:1:Replication:IncludeNamePatterns:0"] = "shared-*",
        });
        SecretClient secondVault = second.CreateSecretClient(harness.Cloud.KeyVaultCredential);
        string firstVersion = await harness.SetSecretAsync("shared-name", "first vault's value");
        string secondVersion = (await secondVault.SetSecretAsync("shared-name", SecretLeakGuard.Register("second vault's value"))).Value.Properties.Version;
        string filteredOut = (await secondVault.SetSecretAsync("not-shared", SecretLeakGuard.Register("second vault's unshared value"))).Value.Properties.Version;

        DeliveryResult first = await harness.DeliverAsync("shared-name", firstVersion);
        DeliveryResult other = await DeliverAsync(harness, second.VaultName, second.VaultUri, "shared-name", secondVersion);
        DeliveryResult excluded = await DeliverAsync(harness, second.VaultName, second.VaultUri, "not-shared", filteredOut);
        DeliveryResult stranger = await DeliverAsync(harness, "strangervault", new Uri("https://strangervault.vault.azure.net/"), "shared-name", secondVersion);

        Assert.Equal(ReplicationOutcomeKind.Replicated, Assert.Single(first.Events).Outcome.Kind);
        Assert.Equal(ReplicationOutcomeKind.Replicated, Assert.Single(other.Events).Outcome.Kind);
        Assert.Equal(ReplicationOutcomeKind.Skipped, Assert.Single(excluded.Events).Outcome.Kind);
        Assert.Equal(DeliveryDisposition.Rejected, stranger.Disposition);
        Assert.Equal(
            $"event is from vault 'strangervault', this replicator reads '{harness.Cloud.KeyVault.VaultName}', 'secondvault'",
            Assert.Single(stranger.Events).Outcome.Reason);

        GetSecretValueResponse fromFirst = await harness.Aws.GetSecretValueAsync(new GetSecretValueRequest { SecretId = harness.Prefix + "one/shared-name" });
        GetSecretValueResponse fromSecond = await harness.Aws.GetSecretValueAsync(new GetSecretValueRequest { SecretId = harness.Prefix + "two/shared-name" });
        Assert.Equal(("first vault's value", firstVersion), (fromFirst.SecretString!.Reveal(), fromFirst.VersionId));
        Assert.Equal(("second vault's value", secondVersion), (fromSecond.SecretString!.Reveal(), fromSecond.VersionId));
        DescribeSecretResponse described = await harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = harness.Prefix + "two/shared-name" });
        Assert.Contains(described.Tags!, tag => tag.Key == ReplicationTags.SourceVault && tag.Value == "secondvault");

        var ledger = harness.Services.GetRequiredService<BlobReplicationLedger>();
        Assert.True((await ledger.ReadAsync(new LedgerKey(harness.Cloud.KeyVault.VaultName, "shared-name"))).State!.IsDone(firstVersion));
        Assert.True((await ledger.ReadAsync(new LedgerKey("secondvault", "shared-name"))).State!.IsDone(secondVersion));
        Assert.False((await ledger.ReadAsync(new LedgerKey("secondvault", "shared-name"))).State!.IsDone(firstVersion));

        // verify compares each vault with its own copies only: both in line, the other vault's copy is not an orphan.
        ReconcileReport verified = await RoutedReconcile.ReconcileAsync(
            harness.Services.GetRequiredService<ReplicationRoutes>().Reconcilers, new ReconcileRequest { DryRun = true });
        Assert.Equal(
            [$"{harness.Cloud.KeyVault.VaultName} shared-name InSync", "secondvault shared-name InSync"],
            verified.Items.Select(item => $"{item.Vault} {item.SourceName} {item.Kind}").Order());
        Assert.Contains(verified.Excluded, secret => secret.Name == "not-shared");
        harness.Logs.AssertContainsNone(["first vault's value", "second vault's value", "second vault's unshared value"]);
    }

    /// <summary>One Event Grid schema event of any vault, delivered to the harness's replicator.</summary>
    private static Task<DeliveryResult> DeliverAsync(ReplicationHarness harness, string vaultName, Uri vaultUri, string name, string version)
    {
        var created = new SecretVersionCreated(vaultName, vaultUri, name, version, DateTimeOffset.UtcNow, null, null);
        JsonObject gridEvent = GridEvent.From(created, harness.Cloud.EventGrid.TopicFor(vaultName)).ToEventGridSchema();
        return harness.Processor.ProcessAsync(BinaryData.FromString(new JsonArray(gridEvent).ToJsonString()));
    }
}
