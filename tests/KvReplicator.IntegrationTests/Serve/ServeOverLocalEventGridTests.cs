using KvReplicator.Cli.Serve;
using KvReplicator.DependencyInjection;
using KvReplicator.Events;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace KvReplicator.IntegrationTests.Serve;

/// <summary>
/// The local Event Grid delivering over real HTTP to <c>kvrep serve</c> on Kestrel: the handshakes, the key
/// and the status codes have to agree between the two for versions to arrive. The stores are Moq'd ports.
/// </summary>
public sealed class ServeOverLocalEventGridTests
{
    private const string VaultName = "kvrep-e2e";
    private const string Key = "e2e-delivery-key-0123456789abcdef0123456789";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(EventDeliverySchema.EventGridSchema)]
    [InlineData(EventDeliverySchema.CloudEventSchemaV1_0)]
    public async Task Transient_failure_is_retried_by_the_grid_until_the_version_is_done(EventDeliverySchema schema)
    {
        string version = Guid.NewGuid().ToString("N");
        var ledger = new Mock<IReplicationLedger>();
        ledger.SetupSequence(l => l.ReadAsync(It.IsAny<LedgerKey>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SecretStoreException("ledger read failed: HTTP 503", isTransient: true))
            .ReturnsAsync(DoneRecord(version));
        await using WebApplication serve = await StartServeAsync(ledger);
        await using var grid = new LocalEventGrid(new LocalEventGridOptions { RetryDelayScale = 0 });
        await grid.AddSubscriptionAsync(new LocalEventSubscription
        {
            Name = "e2e",
            Endpoint = EventsEndpoint(serve),
            Schema = schema,
            Headers = new Dictionary<string, string> { ["X-Kvrep-Key"] = Key },
        });

        grid.Publish(new SecretVersionCreated(VaultName, new Uri($"https://{VaultName}.vault.azure.net/"), "db-password", version, DateTimeOffset.UtcNow, null, null));
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        Assert.Equal(1, grid.Counters.Retried);
        Assert.Equal(1, grid.Counters.Delivered);
        ledger.Verify(l => l.ReadAsync(new LedgerKey(VaultName, "db-password"), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task Delivery_key_in_the_query_string_is_accepted_and_a_wrong_one_dead_letters()
    {
        string version = Guid.NewGuid().ToString("N");
        var ledger = new Mock<IReplicationLedger>();
        ledger.Setup(l => l.ReadAsync(It.IsAny<LedgerKey>(), It.IsAny<CancellationToken>())).ReturnsAsync(DoneRecord(version));
        await using WebApplication serve = await StartServeAsync(ledger);
        await using var grid = new LocalEventGrid(new LocalEventGridOptions { RetryDelayScale = 0 });
        await grid.AddSubscriptionAsync(new LocalEventSubscription { Name = "good-key", Endpoint = new Uri(EventsEndpoint(serve) + "?code=" + Key) });
        await grid.AddSubscriptionAsync(new LocalEventSubscription { Name = "bad-key", Endpoint = new Uri(EventsEndpoint(serve) + "?code=not-the-key") });

        grid.Publish(new SecretVersionCreated(VaultName, new Uri($"https://{VaultName}.vault.azure.net/"), "api-token", version, DateTimeOffset.UtcNow, null, null));
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        Assert.Equal(1, grid.Counters.Delivered);
        Assert.Equal(1, grid.Counters.DeadLettered); // 401 is not retried
        ledger.Verify(l => l.ReadAsync(It.IsAny<LedgerKey>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    /// <summary>A record saying the version is done: the delivery is answered without touching the clouds.</summary>
    private static LedgerRecord DoneRecord(string version)
    {
        var key = new LedgerKey(VaultName, "any");
        return new LedgerRecord(key, SecretLedgerState.Empty(key).WithDone(new LedgerDoneVersion(version, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)), "\"e1\"");
    }

    private static async Task<WebApplication> StartServeAsync(Mock<IReplicationLedger> ledger)
    {
        var source = new Mock<ISecretSource>();
        source.SetupGet(s => s.VaultName).Returns(VaultName);
        WebApplicationBuilder builder = ServeHost.CreateBuilder(
            [],
            options => options.DeliveryKey = Key,
            services =>
            {
                services.AddOptions<ReplicationOptions>();
                services.AddSingleton(source.Object);
                services.AddSingleton(Mock.Of<ISecretTarget>());
                services.AddSingleton(ledger.Object);
                services.AddReplicationPipeline();
            });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = ServeHost.Build(builder);
        await app.StartAsync();
        return app;
    }

    private static Uri EventsEndpoint(WebApplication app) =>
        new(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()), "/api/events");
}
