using KvReplicator.Events;
using KvReplicator.IntegrationTests.Replication;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using KvReplicator.SecretsManager.Model;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// A burst of versions of one secret, replicated through the composed pipeline into moto: superseded
/// versions stop being written once the secret holds the threshold of recent versions, the newest version
/// is current, and every version left out is reported and recorded as coalesced.
/// </summary>
public sealed class BurstCoalescingTests
{
    private const int Versions = 150;

    [Fact]
    public async Task A_burst_of_150_versions_ends_current_within_the_threshold_with_every_left_out_version_coalesced()
    {
        int threshold = new CoalescingOptions().RecentVersionThreshold;
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            // The default budget is 20 writes a second; moto takes more, and the test should not wait for AWS's quota.
            ["KvReplicator:WriteRateLimit:PermitsPerSecond"] = "50",
            ["KvReplicator:WriteRateLimit:Burst"] = "50",
        });
        var versions = new List<string>();
        for (int i = 0; i < Versions; i++)
        {
            versions.Add(await harness.SetSecretAsync("burst", $"value {i:000}"));
        }

        string latest = versions[^1];

        // Delivered in creation order, several at once, as Event Grid would after the burst.
        var outcomes = new ReplicationOutcome[Versions];
        await Parallel.ForAsync(0, Versions, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            DeliveryResult delivery = await harness.DeliverAsync("burst", versions[i]);
            Assert.Equal(DeliveryDisposition.Completed, delivery.Disposition);
            outcomes[i] = Assert.Single(delivery.Events).Outcome;
        });

        string[] awsVersions = [.. (await harness.AwsVersionsAsync("burst")).Select(v => v.VersionId!)];
        GetSecretValueResponse current = await harness.AwsCurrentAsync("burst");
        Assert.Equal(latest, current.VersionId);
        Assert.Equal($"value {Versions - 1:000}", current.SecretString!.Reveal());
        Assert.InRange(awsVersions.Length, 2, threshold);

        // The newest version is written ahead by the first older event that finds it unwritten (so no older
        // version is current even for a moment); its own event then finds it done.
        ReplicationOutcome[] written = [.. outcomes.Where(o => o.Kind == ReplicationOutcomeKind.Replicated)];
        ReplicationOutcome[] aheadOfTheirEvent = [.. outcomes.Where(o => o.Kind == ReplicationOutcomeKind.AlreadyDone)];
        ReplicationOutcome[] coalesced = [.. outcomes.Where(o => o.Kind == ReplicationOutcomeKind.Skipped)];
        Assert.Equal(Versions, written.Length + aheadOfTheirEvent.Length + coalesced.Length);
        Assert.Equal(awsVersions.Order(), written.Concat(aheadOfTheirEvent).Select(o => o.Version!.Version).Order());
        Assert.Contains(written.Concat(aheadOfTheirEvent), o => o.Version!.Version == latest);
        Assert.All(coalesced, o =>
        {
            Assert.Equal(latest, o.CoalescedInto);
            Assert.StartsWith($"coalesced: superseded by {latest}", o.Reason, StringComparison.Ordinal);
        });
        Assert.Equal(Versions - awsVersions.Length, coalesced.Length);

        // The ledger shows each coalesced version as done and into which version, and a redelivery is free.
        var ledger = harness.Services.GetRequiredService<BlobReplicationLedger>();
        foreach (ReplicationOutcome outcome in coalesced)
        {
            SecretLedgerState state = (await ledger.ReadAsync(new LedgerKey(outcome.Version!.VaultName, outcome.Version.SecretName))).State!;
            Assert.Equal(latest, state.FindDone(outcome.Version.Version)!.CoalescedInto);
        }

        SecretVersionRef redelivered = coalesced[0].Version!;
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, (await harness.DeliverAsync("burst", redelivered.Version)).Events[0].Outcome.Kind);
        Assert.Equal(awsVersions.Length, (await harness.AwsVersionsAsync("burst")).Count);
    }
}
