using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Replication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// Issue 15, "Must show" 1: AWSCURRENT never moves back to an older version, even for a moment, with writes
/// held 0.5 to 2.5 s, three instances and stale redeliveries (<see cref="StrictOrderRun"/>).
/// <see cref="StrictOrderWithSyncTests"/> runs the same beside <c>sync</c>, in parallel with this class.
/// </summary>
public sealed class StrictOrderTests(ITestOutputHelper output)
{
    [Fact]
    public Task Awscurrent_never_moves_back_under_slow_writes_stale_redeliveries_and_three_instances() => StrictOrderRun.RunAsync(output, withSync: false);

    [Fact]
    public async Task A_sync_converging_a_version_already_current_leaves_awsprevious_for_the_version_before_it()
    {
        // The second half of a race the run with sync runs into: sync lists the secret while an older version is
        // current, and by the time it holds the secret's lock the events have made the newest one current.
        var vaultClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(keyVault: new LocalKeyVaultOptions { TimeProvider = vaultClock });
        var announced = new Dictionary<string, DateTimeOffset>();
        async Task<string> CreateAsync(string value)
        {
            vaultClock.Advance(TimeSpan.FromMinutes(1));
            string id = await harness.SetSecretAsync("raced", value);
            announced[id] = vaultClock.GetUtcNow();
            return id;
        }

        string v1 = await CreateAsync("first value");
        Assert.Equal(ReplicationOutcomeKind.Replicated, Assert.Single((await harness.Primary.DeliverAsync("raced", v1, announced[v1])).Events).Outcome.Kind);
        string v2 = await CreateAsync("second value");
        string v3 = await CreateAsync("third value");
        Assert.Equal(ReplicationOutcomeKind.Replicated, Assert.Single((await harness.Primary.DeliverAsync("raced", v3, announced[v3])).Events).Outcome.Kind);

        ReplicationOutcome converged = await harness.Services.GetRequiredService<SecretReplicator>().ReplicateAsync(
            new SecretVersionRef(harness.Cloud.KeyVault.VaultName, "raced", v3), new ReplicationRequestOptions { Reconcile = true });
        DeliveryResult late = await harness.Primary.DeliverAsync("raced", v2, announced[v2]);

        Assert.Equal(ReplicationOutcomeKind.Replicated, converged.Kind);
        Assert.Equal(ReplicationOutcomeKind.Replicated, Assert.Single(late.Events).Outcome.Kind);
        IReadOnlyDictionary<string, IReadOnlyList<string>> stages = await harness.AwsStagesAsync("raced");
        Assert.Equal(v3, stages.Single(pair => pair.Value.Contains("AWSCURRENT")).Key);
        Assert.Equal(v2, stages.Single(pair => pair.Value.Contains("AWSPREVIOUS")).Key);
        LedgerRecord record = await harness.LedgerRecordAsync("raced");
        Assert.Equal((v3, v2), (record.State!.Current?.Id, record.State.Previous?.Id));
    }
}
