using Azure.Core.Pipeline;
using KvReplicator.IntegrationTests.Fakes;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.Ledger;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Ledger;

public sealed class AddBlobLedgerTests
{
    [Fact]
    public async Task Ledger_from_configuration_writes_records_in_the_configured_container()
    {
        var azurite = await SharedEmulators.AzuriteAsync();
        string containerName = SharedEmulators.UniqueName("configured");
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["KvReplicator:Ledger:ConnectionString"] = azurite.ConnectionString,
                ["KvReplicator:Ledger:ContainerName"] = containerName,
            })
            .Build();
        await using ServiceProvider provider = new ServiceCollection().AddBlobLedger(configuration).BuildServiceProvider();
        var ledger = provider.GetRequiredService<IReplicationLedger>();
        var key = new LedgerKey("vault", "configured-secret");

        Assert.NotNull(await ledger.TryWriteAsync(key, SecretLedgerState.Empty(key), ifMatch: null));

        var container = new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, containerName);
        Assert.True(await container.GetBlobClient("secrets/vault/configured-secret").ExistsAsync());
        Assert.NotNull((await ledger.ReadAsync(key)).ETag);
    }

    [Fact]
    public async Task A_registered_pipeline_policy_sees_every_request_of_the_ledger()
    {
        var azurite = await SharedEmulators.AzuriteAsync();
        string containerName = SharedEmulators.UniqueName("observed");
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["KvReplicator:Ledger:ConnectionString"] = azurite.ConnectionString,
                ["KvReplicator:Ledger:ContainerName"] = containerName,
            })
            .Build();
        var policy = new RecordingPipelinePolicy();
        var services = new ServiceCollection();
        services.AddSingleton<HttpPipelinePolicy>(policy);
        await using ServiceProvider provider = services.AddBlobLedger(configuration).BuildServiceProvider();
        var ledger = provider.GetRequiredService<IReplicationLedger>();
        var key = new LedgerKey("vault", "observed-secret");

        LedgerRecord absent = await ledger.ReadAsync(key);
        await ledger.TryWriteAsync(key, SecretLedgerState.Empty(key), absent.ETag);

        // The container is created only when the first write finds it missing: no call before that.
        string record = $"/{containerName}/secrets/vault/observed-secret";
        Assert.Equal(
            [$"GET {record}", $"PUT {record}", $"GET /{containerName}", $"PUT /{containerName}", $"PUT {record}"],
            policy.Requests.Select(request => request.Replace("/devstoreaccount1", string.Empty, StringComparison.Ordinal)));
    }
}
