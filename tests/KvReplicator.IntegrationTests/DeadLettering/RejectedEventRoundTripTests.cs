using System.Text.Json.Nodes;
using Azure.Messaging.EventGrid;
using Azure.Storage.Blobs;
using KvReplicator.DeadLettering;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.IntegrationTests.Replication;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Replication;
using KvReplicator.SecretsManager.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvReplicator.IntegrationTests.DeadLettering;

/// <summary>
/// What the Functions host does with a permanent failure: the event it acknowledges is dead-lettered to the
/// container in Event Grid's format, and once the cause is fixed <see cref="DeadLetterReplayer"/> replicates it.
/// </summary>
public sealed class RejectedEventRoundTripTests
{
    [Fact]
    public async Task A_rejected_event_is_dead_lettered_and_replicates_on_replay_once_its_cause_is_fixed()
    {
        string containerName = SharedEmulators.UniqueName("deadletter");
        AzuriteServer azurite = await SharedEmulators.AzuriteAsync();
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            [$"{DeadLetterOptions.SectionName}:ConnectionString"] = azurite.ConnectionString,
            [$"{DeadLetterOptions.SectionName}:ContainerName"] = containerName,
        });
        string name = SharedEmulators.UniqueName("db");
        string version = await harness.SetSecretAsync(name, "rejected then replayed");

        // The cause: a same-named secret in AWS the replicator does not own, which it refuses to overwrite.
        await harness.Aws.CreateSecretAsync(new CreateSecretRequest { Name = harness.TargetName(name), SecretString = new SecretValue("someone else's") });
        EventGridEvent gridEvent = BoundEvent(harness, name, version);
        DeliveryResult result = await harness.Processor.ProcessAsync(gridEvent);
        Assert.Equal(DeliveryDisposition.Rejected, result.Disposition);

        string? deadLetter = await harness.Services.GetRequiredService<RejectedDeliveryDeadLetterer>().DeadLetterAsync(gridEvent, result);

        var container = new BlobContainerClient(azurite.ConnectionString, containerName);
        var store = new BlobDeadLetterStore(container);
        Assert.NotNull(deadLetter);
        Assert.StartsWith(RejectedDeliveryDeadLetterer.NamePrefix, deadLetter, StringComparison.Ordinal);
        Assert.Equal([deadLetter], await store.ListAsync().ToArrayAsync());
        Assert.Equal("someone else's", (await harness.AwsCurrentAsync(name)).SecretString!.Reveal());

        // While the cause remains, a replay fails again and leaves the dead letter where it is.
        var replayer = new DeadLetterReplayer(harness.Processor, harness.Services.GetRequiredService<ILogger<DeadLetterReplayer>>());
        ReplayReport stillFailing = await replayer.ReplayAsync(store);
        Assert.Equal(DeadLetterReplayStatus.Failed, Assert.Single(stillFailing.DeadLetters).Status);
        Assert.StartsWith("Rejected: ", Assert.Single(Assert.Single(stillFailing.DeadLetters).Events).DeadLetterReason, StringComparison.Ordinal);

        // Fixed: the foreign secret is gone. The replay replicates the version and moves the dead letter.
        await harness.Aws.DeleteSecretAsync(new DeleteSecretRequest { SecretId = harness.TargetName(name), ForceDeleteWithoutRecovery = true });
        ReplayReport replayed = await replayer.ReplayAsync(store);

        DeadLetterReplayResult replay = Assert.Single(replayed.DeadLetters);
        Assert.Equal(DeadLetterReplayStatus.Replayed, replay.Status);
        Assert.Equal(ReplicationOutcomeKind.Replicated, Assert.Single(replay.Events).Outcome);
        Assert.Equal("rejected then replayed", (await harness.AwsCurrentAsync(name)).SecretString!.Reveal());
        Assert.Empty(await store.ListAsync().ToArrayAsync());
        Assert.True((await container.GetBlobClient(IDeadLetterStore.ReplayedPrefix + deadLetter).ExistsAsync()).Value);
        harness.Logs.AssertContainsNone(["rejected then replayed", "someone else's"]);
    }

    [Fact]
    public async Task Without_dead_letter_settings_the_rejection_is_logged_as_not_dead_lettered()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string name = SharedEmulators.UniqueName("db");
        string version = await harness.SetSecretAsync(name, "never dead-lettered");
        await harness.Aws.CreateSecretAsync(new CreateSecretRequest { Name = harness.TargetName(name), SecretString = new SecretValue("foreign") });
        EventGridEvent gridEvent = BoundEvent(harness, name, version);
        DeliveryResult result = await harness.Processor.ProcessAsync(gridEvent);

        string? deadLetter = await harness.Services.GetRequiredService<RejectedDeliveryDeadLetterer>().DeadLetterAsync(gridEvent, result);

        Assert.Null(deadLetter);
        Assert.Null(harness.Services.GetService<IDeadLetterSink>());
        Assert.Contains(harness.Logs.Entries, e => e.StartsWith("Critical", StringComparison.Ordinal) && e.Contains("NOT dead-lettered", StringComparison.Ordinal));
    }

    /// <summary>The event as the Functions worker binds it: the SDK's <see cref="EventGridEvent"/> of Key Vault's notification.</summary>
    private static EventGridEvent BoundEvent(ReplicationHarness harness, string name, string version)
    {
        var created = new SecretVersionCreated(harness.Cloud.KeyVault.VaultName, harness.Cloud.KeyVault.VaultUri, name, version, DateTimeOffset.UtcNow, null, null);
        JsonObject wire = GridEvent.From(created, harness.Cloud.EventGrid.TopicFor(created.VaultName)).ToEventGridSchema();
        return EventGridEvent.Parse(BinaryData.FromString(wire.ToJsonString()));
    }
}
