using System.Diagnostics;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using KvReplicator.Diagnostics;
using KvReplicator.Replication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.Events;

/// <summary>
/// The entry point every host calls: a delivery in (raw body or an SDK-bound event), a
/// <see cref="DeliveryResult"/> out. Hosts only map <see cref="DeliveryResult.Disposition"/> to their signal.
/// Each delivery is one span with a child span per event, and is counted with its events' outcomes
/// (<see cref="ReplicationTelemetry"/>).
/// </summary>
public sealed partial class KeyVaultEventProcessor
{
    private readonly ReplicationFanOut _replicator;
    private readonly int _parallelism;
    private readonly ILogger<KeyVaultEventProcessor> _logger;

    internal KeyVaultEventProcessor(SecretReplicator replicator, IOptions<ReplicationOptions> options, ILogger<KeyVaultEventProcessor> logger)
        : this(new ReplicationFanOut([replicator ?? throw new ArgumentNullException(nameof(replicator))]), options, logger)
    {
    }

    /// <param name="routes">Every vault's replicator per AWS target; an event goes to each target of its vault.</param>
    internal KeyVaultEventProcessor(ReplicationFanOut routes, IOptions<ReplicationOptions> options, ILogger<KeyVaultEventProcessor> logger)
    {
        _replicator = routes ?? throw new ArgumentNullException(nameof(routes));
        _parallelism = options?.Value.MaxParallelEventsPerDelivery ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Handles a raw delivery body (Event Grid schema or CloudEvents, single or batch).</summary>
    internal Task<DeliveryResult> ProcessAsync(BinaryData body, CancellationToken cancellationToken = default) =>
        ProcessAsync(KeyVaultEventParser.Parse(body), cancellationToken);

    /// <summary>Handles an event a host bound in the Event Grid schema.</summary>
    internal Task<DeliveryResult> ProcessAsync(EventGridEvent gridEvent, CancellationToken cancellationToken = default) =>
        ProcessAsync([KeyVaultEventParser.Parse(gridEvent)], cancellationToken);

    /// <summary>Handles an event a host bound as a CloudEvent.</summary>
    internal Task<DeliveryResult> ProcessAsync(CloudEvent cloudEvent, CancellationToken cancellationToken = default) =>
        ProcessAsync([KeyVaultEventParser.Parse(cloudEvent)], cancellationToken);

    /// <summary>Handles events already parsed.</summary>
    internal async Task<DeliveryResult> ProcessAsync(IReadOnlyList<KeyVaultEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        using ReplicationTelemetry.DeliveryScope telemetry = ReplicationTelemetry.StartDelivery(events.Count);
        var results = new EventResult[events.Count];
        try
        {
            await Parallel.ForAsync(0, events.Count,
                new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken },
                async (i, ct) => results[i] = new EventResult(events[i], await HandleAsync(events[i], ct).ConfigureAwait(false))).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            telemetry.Failed(ex);
            throw;
        }

        var result = new DeliveryResult(results);
        telemetry.Completed(result);
        return result;
    }

    private async Task<ReplicationOutcome> HandleAsync(KeyVaultEvent keyVaultEvent, CancellationToken cancellationToken)
    {
        using Activity? span = ReplicationTelemetry.StartVersion(keyVaultEvent);
        try
        {
            ReplicationOutcome outcome = await HandleEventAsync(keyVaultEvent, cancellationToken).ConfigureAwait(false);
            ReplicationTelemetry.VersionHandled(span, outcome);
            return outcome;
        }
        catch (Exception ex)
        {
            ReplicationTelemetry.VersionFailed(span, ex);
            throw;
        }
    }

    private async Task<ReplicationOutcome> HandleEventAsync(KeyVaultEvent keyVaultEvent, CancellationToken cancellationToken)
    {
        switch (keyVaultEvent.Kind)
        {
            case KeyVaultEventKind.NewSecretVersion:
                return await _replicator.ReplicateAsync(keyVaultEvent.Version!, new ReplicationRequestOptions { AnnouncedOn = keyVaultEvent.AnnouncedOn }, cancellationToken).ConfigureAwait(false);
            case KeyVaultEventKind.Ignored:
                LogIgnored(keyVaultEvent.EventId, keyVaultEvent.EventType, keyVaultEvent.Reason);
                return ReplicationOutcome.Skipped(null, keyVaultEvent.Reason!);
            default:
                LogMalformed(keyVaultEvent.EventId, keyVaultEvent.EventType, keyVaultEvent.Reason);
                return ReplicationOutcome.Rejected(null, keyVaultEvent.Reason!);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Ignored event {EventId} of type {EventType}: {Reason}")]
    private partial void LogIgnored(string? eventId, string? eventType, string? reason);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Rejected malformed event {EventId} of type {EventType}: {Reason}")]
    private partial void LogMalformed(string? eventId, string? eventType, string? reason);
}
