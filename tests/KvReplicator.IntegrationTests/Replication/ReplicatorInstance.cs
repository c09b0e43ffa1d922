using System.Text.Json.Nodes;
using KvReplicator.DevTools.Local;
using KvReplicator.Events;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Replication;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// One replicator process of a <see cref="ReplicationHarness"/>: the services <c>AddKvReplicator</c> composes,
/// and deliveries made to it the way Event Grid makes them.
/// </summary>
internal sealed class ReplicatorInstance : IAsyncDisposable
{
    private readonly LocalCloudEnvironment _cloud;
    private readonly ServiceProvider _services;

    internal ReplicatorInstance(LocalCloudEnvironment cloud, ServiceProvider services)
    {
        _cloud = cloud;
        _services = services;
        Processor = services.GetRequiredService<KeyVaultEventProcessor>();
    }

    public IServiceProvider Services => _services;

    public KeyVaultEventProcessor Processor { get; }

    /// <summary>
    /// Delivers one Event Grid schema event for the version (a one-event array). <paramref name="announcedOn"/>
    /// is the event's time: a redelivery carries the time of the original event, not of the redelivery.
    /// </summary>
    public Task<DeliveryResult> DeliverAsync(string name, string version, DateTimeOffset? announcedOn = null, CancellationToken cancellationToken = default)
    {
        var created = new SecretVersionCreated(_cloud.KeyVault.VaultName, _cloud.KeyVault.VaultUri, name, version, announcedOn ?? DateTimeOffset.UtcNow, null, null);
        JsonObject gridEvent = GridEvent.From(created, _cloud.EventGrid.TopicFor(created.VaultName)).ToEventGridSchema();
        return Processor.ProcessAsync(BinaryData.FromString(new JsonArray(gridEvent).ToJsonString()), cancellationToken);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
