using Azure.Storage.Blobs;
using KvReplicator.DeadLettering;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.LocalCloud.Emulators;

namespace KvReplicator.IntegrationTests.DeadLettering;

/// <summary>The Blob dead-letter sink against Azurite, read back by the store <c>kvrep replay</c> uses.</summary>
public sealed class BlobDeadLetterSinkTests
{
    [Fact]
    public async Task Creates_a_missing_container_and_the_replay_store_reads_what_it_wrote()
    {
        AzuriteServer azurite = await SharedEmulators.AzuriteAsync();
        var container = new BlobContainerClient(azurite.ConnectionString, SharedEmulators.UniqueName("deadletter"));
        var sink = new BlobDeadLetterSink(container);
        var store = new BlobDeadLetterStore(container);

        await sink.WriteAsync("rejected/2026/11/23/04/event-1.json", BinaryData.FromString("""[{"id":"event-1"}]"""));

        Assert.Equal(["rejected/2026/11/23/04/event-1.json"], await store.ListAsync().ToArrayAsync());
        Assert.Equal("""[{"id":"event-1"}]""", (await store.ReadAsync("rejected/2026/11/23/04/event-1.json")).ToString());
        Assert.Equal(store.Location, sink.Location);
        Assert.DoesNotContain("AccountKey", sink.Location, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Writing_the_same_name_again_leaves_one_dead_letter_with_the_latest_content()
    {
        AzuriteServer azurite = await SharedEmulators.AzuriteAsync();
        var container = new BlobContainerClient(azurite.ConnectionString, SharedEmulators.UniqueName("deadletter"));
        await container.CreateIfNotExistsAsync();
        var sink = new BlobDeadLetterSink(container);

        await sink.WriteAsync("rejected/2026/11/23/04/event-1.json", BinaryData.FromString("""[{"id":"event-1","deliveryAttempts":1}]"""));
        await sink.WriteAsync("rejected/2026/11/23/04/event-1.json", BinaryData.FromString("""[{"id":"event-1","deliveryAttempts":2}]"""));

        string[] names = [.. (await container.GetBlobsAsync().ToArrayAsync()).Select(b => b.Name)];
        Assert.Equal(["rejected/2026/11/23/04/event-1.json"], names);
        Assert.Contains("\"deliveryAttempts\":2", (await container.GetBlobClient(names[0]).DownloadContentAsync()).Value.Content.ToString(), StringComparison.Ordinal);
    }
}
