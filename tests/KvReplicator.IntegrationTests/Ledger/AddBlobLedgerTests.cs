using Azure.Core.Pipeline;
using KvReplicator.Events;
using KvReplicator.IntegrationTests.Fakes;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.Ledger;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Ledger;

public sealed class AddBlobLedgerTests
{
    [Fact]
    public async Task Ledger_from_configuration_claims_and_commits_in_the_configured_container()
    {
        var azurite = await SharedEmulators.AzuriteAsync();
        string containerName = SharedEmulators.UniqueName("configured");
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["KvReplicator:Ledger:ConnectionString"] = azurite.ConnectionString,
                ["KvReplicator:Ledger:ContainerName"] = containerName,
                ["KvReplicator:Ledger:ClaimTimeout"] = "00:00:30",
            })
            .Build();
        await using ServiceProvider provider = new ServiceCollection().AddBlobLedger(configuration).BuildServiceProvider();
        var ledger = provider.GetRequiredService<IReplicationLedger>();
        var version = new SecretVersionRef("vault", "configured-secret", Guid.NewGuid().ToString("N"));

        LedgerClaimResult result = await ledger.TryClaimAsync(version);
        Assert.True(await ledger.CommitAsync(result.Claim!));

        var container = new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, containerName);
        Assert.True(await container.GetBlobClient($"configured-secret/{version.Version}").ExistsAsync());
        Assert.Equal(LedgerClaimStatus.AlreadyDone, (await ledger.TryClaimAsync(version)).Status);
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
        var version = new SecretVersionRef("vault", "observed-secret", Guid.NewGuid().ToString("N"));

        LedgerClaimResult result = await ledger.TryClaimAsync(version);
        await ledger.CommitAsync(result.Claim!);

        string marker = $"/{containerName}/observed-secret/{version.Version}";
        Assert.Equal(
            [$"GET /{containerName}", $"PUT /{containerName}", $"PUT {marker}", $"PUT {marker}"],
            policy.Requests.Select(request => request.Replace("/devstoreaccount1", string.Empty, StringComparison.Ordinal)));
    }
}
