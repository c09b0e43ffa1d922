using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using KvReplicator.Credentials;
using KvReplicator.DependencyInjection;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.Ledger;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.Reconciliation;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// Issue 14, item 3: one vault replicated to two AWS targets, two moto accounts in two regions, each with its own
/// credentials (the second account's come from moto's STS, as a role in another account would), with one target
/// down for a while. Each target gets every version exactly once, in order, and the healthy one never waits for
/// the one that is down.
/// </summary>
public sealed class SeveralTargetsTests
{
    internal const string EastRegion = "us-east-1";
    internal const string WestRegion = "eu-west-1";
    internal const string WestAccount = "222222222222";
    private const string WestRole = $"arn:aws:iam::{WestAccount}:role/kvrep-west";
    private const int Versions = 5;

    [Fact]
    public async Task One_vault_to_two_accounts_with_one_down_loses_nothing_repeats_nothing_and_the_healthy_one_never_waits()
    {
        var outage = new RegionOutageHandler { Down = WestRegion };
        MotoServer moto = await SharedEmulators.MotoAsync();
        AWSCredentials westCredentials = await AssumeRoleAsync(moto.Endpoint, WestRole);
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(
            outage.AddTo,
            settings: new Dictionary<string, string?>
            {
                // The single target's section is unset: the targets are listed instead.
                ["KvReplicator:SecretsManager:Region"] = "",
                ["KvReplicator:SecretsManager:ServiceUrl"] = "",
                ["KvReplicator:Targets:0:Id"] = "east",
                ["KvReplicator:Targets:0:SecretsManager:Region"] = EastRegion,
                ["KvReplicator:Targets:0:SecretsManager:ServiceUrl"] = moto.Endpoint.ToString(),
                ["KvReplicator:Targets:1:Id"] = "west",
                ["KvReplicator:Targets:1:SecretsManager:Region"] = WestRegion,
                ["KvReplicator:Targets:1:SecretsManager:ServiceUrl"] = moto.Endpoint.ToString(),
                ["KvReplicator:Targets:1:SecretsManager:MaxRetries"] = "0",

                // The west account's own credentials, as an operator configures them: Entra ID token → STS web identity.
                ["KvReplicator:Targets:1:Credentials:Source"] = "WebIdentity",
                ["KvReplicator:Targets:1:Credentials:WebIdentity:RoleArn"] = WestRole,
                ["KvReplicator:Targets:1:Credentials:WebIdentity:Region"] = EastRegion,
                ["KvReplicator:Targets:1:Credentials:WebIdentity:StsEndpoint"] = moto.Endpoint.ToString(),
            });
        SecretsManagerClient east = harness.Cloud.CreateSecretsManagerClient();
        SecretsManagerClient west = new(new HttpClient(), new AwsSdkCredentialSource(westCredentials, "moto-west-account"),
            new SecretsManagerOptions { Region = WestRegion, ServiceUrl = moto.Endpoint });
        string name = harness.TargetName("db-password");

        // While west is down, every version lands in east at once, and the delivery is answered "retry later".
        var versions = new List<string>();
        for (int i = 1; i <= Versions; i++)
        {
            string version = await harness.SetSecretAsync("db-password", $"several-targets value {i}");
            versions.Add(version);
            DeliveryResult result = await harness.DeliverAsync("db-password", version);

            Assert.Equal(DeliveryDisposition.RetryLater, result.Disposition);
            ReplicationOutcome outcome = Assert.Single(result.Events).Outcome;
            Assert.Equal(ReplicationOutcomeKind.Replicated, Target(outcome, "east").Kind);
            Assert.Equal(ReplicationOutcomeKind.RetryLater, Target(outcome, "west").Kind);
            Assert.Equal(version, (await east.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name })).VersionId);
        }

        // Event Grid retries each delivery while west is still down: east is not written again.
        foreach (string version in versions)
        {
            ReplicationOutcome retried = Assert.Single((await harness.DeliverAsync("db-password", version)).Events).Outcome;
            Assert.Equal(ReplicationOutcomeKind.AlreadyDone, Target(retried, "east").Kind);
            Assert.Equal(ReplicationOutcomeKind.RetryLater, retried.Kind);
        }

        Assert.True(outage.Refused > 0);
        Assert.Equal(0, outage.Writes(WestRegion));

        // West is back: the retries complete, in the order Event Grid happens to send them.
        outage.Down = null;
        foreach (string version in versions.AsEnumerable().Reverse().Concat(versions))
        {
            DeliveryResult result = await harness.DeliverAsync("db-password", version);
            Assert.Equal(DeliveryDisposition.Completed, result.Disposition);
            Assert.Equal(ReplicationOutcomeKind.AlreadyDone, Target(Assert.Single(result.Events).Outcome, "east").Kind);
        }

        // Nothing lost, nothing written twice, in either account; both end on the newest version, the one before it previous.
        foreach ((SecretsManagerClient client, string region) in new[] { (east, EastRegion), (west, WestRegion) })
        {
            ListSecretVersionIdsResponse listed = await client.ListSecretVersionIdsAsync(new ListSecretVersionIdsRequest { SecretId = name, IncludeDeprecated = true });
            Assert.Equal(versions.Order(), listed.Versions.Select(v => v.VersionId!).Order());
            Assert.All(versions, version => Assert.Equal(1, outage.Writes(region, version)));
            DescribeSecretResponse described = await client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name });
            Assert.Equal(["AWSCURRENT"], described.VersionIdsToStages![versions[^1]]);
            Assert.Contains("AWSPREVIOUS", described.VersionIdsToStages[versions[^2]]);
            for (int i = 0; i < Versions; i++)
            {
                GetSecretValueResponse value = await client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name, VersionId = versions[i] });
                Assert.Equal($"several-targets value {i + 1}", value.SecretString!.Reveal());
            }
        }

        // Two accounts: the second target's secret lives in the account its own credentials belong to.
        Assert.Contains($":{WestAccount}:", (await west.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name })).Arn, StringComparison.Ordinal);
        Assert.DoesNotContain($":{WestAccount}:", (await east.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name })).Arn, StringComparison.Ordinal);

        // Each target keeps its own ledger record; the unnamed target's record name is not used.
        var ledger = harness.Services.GetRequiredService<BlobReplicationLedger>();
        foreach (string target in new[] { "east", "west" })
        {
            LedgerRecord record = await ledger.ReadAsync(new LedgerKey(harness.Cloud.KeyVault.VaultName, "db-password", target));
            Assert.All(versions, version => Assert.True(record.State!.IsDone(version)));
            Assert.Null(record.State!.Lock);
        }

        Assert.Null((await ledger.ReadAsync(new LedgerKey(harness.Cloud.KeyVault.VaultName, "db-password"))).State);

        // verify compares each target on its own, and finds both in line.
        ReconcileReport verified = await RoutedReconcile.ReconcileAsync(
            harness.Services.GetRequiredService<ReplicationRoutes>().Reconcilers, new ReconcileRequest { DryRun = true });
        Assert.Equal(["east", "west"], verified.Items.Where(item => item.SourceName == "db-password").Select(item => item.Target!).Order());
        Assert.Equal(0, verified.DriftFound);
        harness.Logs.AssertContainsNone([.. Enumerable.Range(1, Versions).Select(i => $"several-targets value {i}")]);
    }

    /// <summary>Credentials of a role in another account, from moto's STS: moto files what they create under that account.</summary>
    internal static async Task<AWSCredentials> AssumeRoleAsync(Uri moto, string roleArn)
    {
        using var sts = new AmazonSecurityTokenServiceClient(
            LocalCloudEnvironment.EmulatorCredentials, new AmazonSecurityTokenServiceConfig { ServiceURL = moto.ToString(), AuthenticationRegion = EastRegion });
        AssumeRoleResponse assumed = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "kvrep-several-targets" });
        return new SessionAWSCredentials(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken);
    }

    private static ReplicationOutcome Target(ReplicationOutcome combined, string id) =>
        Assert.Single(combined.Targets!, outcome => outcome.TargetId == id);
}
