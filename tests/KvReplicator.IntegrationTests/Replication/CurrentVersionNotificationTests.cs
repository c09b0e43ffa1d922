using KvReplicator.IntegrationTests.Notifications;
using KvReplicator.Notifications;
using KvReplicator.Replication;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// Consumers are told about every version that becomes AWSCURRENT (docs/reliability.md, 6), including a
/// newest version written ahead of an older one's event, whose own event then finds it done.
/// </summary>
public sealed class CurrentVersionNotificationTests
{
    [Fact]
    public async Task A_newest_version_written_ahead_of_an_older_ones_event_is_notified_once()
    {
        var notified = new CountingNotifier(NoOpReplicationNotifier.Instance);
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(services => services.AddSingleton<IReplicationNotifier>(notified));
        string v1 = await harness.SetSecretAsync("ahead", "first value");
        await harness.DeliverAsync("ahead", v1);
        string v2 = await harness.SetSecretAsync("ahead", "second value");
        string v3 = await harness.SetSecretAsync("ahead", "third value");

        ReplicationOutcome older = Assert.Single((await harness.DeliverAsync("ahead", v2)).Events).Outcome;
        ReplicationOutcome newest = Assert.Single((await harness.DeliverAsync("ahead", v3)).Events).Outcome;

        Assert.Equal((ReplicationOutcomeKind.Replicated, true), (older.Kind, older.Superseded));
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, newest.Kind);
        Assert.Equal(v3, (await harness.AwsCurrentAsync("ahead")).VersionId);
        Assert.Equal([v1, v3], notified.Versions);
    }
}
