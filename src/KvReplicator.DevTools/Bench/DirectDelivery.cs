using KvReplicator.Events;
using KvReplicator.Replication;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.DevTools.Bench;

/// <summary>Deliveries straight into <see cref="KeyVaultEventProcessor.ProcessAsync(BinaryData, CancellationToken)"/>: the handler alone, no HTTP.</summary>
internal sealed class DirectDelivery(ServiceProvider services, RemoteCallCounter counter) : IBenchDelivery
{
    public string Description => "direct: Event Grid JSON bodies into KeyVaultEventProcessor.ProcessAsync(BinaryData), in process (no HTTP hop)";

    public async Task<DeliveryKind> DeliverAsync(PlannedDelivery delivery, CallTally calls, CancellationToken cancellationToken = default)
    {
        using (counter.ChargeTo(calls))
        {
            // Resolved per delivery so that the first one pays for building the clients, as a fresh host does.
            KeyVaultEventProcessor processor = services.GetRequiredService<KeyVaultEventProcessor>();
            DeliveryResult result = await processor.ProcessAsync(delivery.Body, cancellationToken).ConfigureAwait(false);
            return Classify([.. result.Events.Select(e => (e.Outcome.Kind, e.Outcome.Reason))]);
        }
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();

    /// <summary>One event per delivery: its outcome says what the delivery was.</summary>
    internal static DeliveryKind Classify(IReadOnlyList<(ReplicationOutcomeKind Kind, string? Reason)> outcomes) =>
        outcomes.Count != 1 ? DeliveryKind.Failed : outcomes[0] switch
        {
            (ReplicationOutcomeKind.Replicated, _) => DeliveryKind.NewVersion,
            (ReplicationOutcomeKind.AlreadyDone, _) => DeliveryKind.Duplicate,
            (ReplicationOutcomeKind.RetryLater, string reason) when reason.Contains("in flight", StringComparison.Ordinal) => DeliveryKind.InFlight,
            (ReplicationOutcomeKind.RetryLater, _) => DeliveryKind.TransientFailure,
            _ => DeliveryKind.Failed,
        };
}
