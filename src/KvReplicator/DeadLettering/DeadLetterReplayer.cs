using KvReplicator.Events;
using Microsoft.Extensions.Logging;

namespace KvReplicator.DeadLettering;

/// <summary>
/// Re-drives dead-lettered Event Grid events through <see cref="KeyVaultEventProcessor"/>, exactly as a
/// delivery would. Idempotent: the ledger answers "already done" for versions replicated since, so replaying
/// a dead letter twice, or one Event Grid redelivered after all, writes nothing twice.
/// </summary>
internal sealed partial class DeadLetterReplayer
{
    private readonly KeyVaultEventProcessor _processor;
    private readonly ILogger<DeadLetterReplayer> _logger;

    public DeadLetterReplayer(KeyVaultEventProcessor processor, ILogger<DeadLetterReplayer> logger)
    {
        _processor = processor ?? throw new ArgumentNullException(nameof(processor));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Lists what a replay would re-drive: reads every dead letter, replicates and moves nothing. Needs no replicator.</summary>
    public static async Task<ReplayReport> PlanAsync(IDeadLetterStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var results = new List<DeadLetterReplayResult>();
        await foreach (string name in store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            (DeadLetterEnvelope? envelope, DeadLetterReplayResult? unreadable) = await OpenAsync(store, name, cancellationToken).ConfigureAwait(false);
            results.Add(unreadable ?? new DeadLetterReplayResult(
                name,
                DeadLetterReplayStatus.Planned,
                [.. KeyVaultEventParser.Parse(envelope!.Delivery).Select((e, i) => Describe(e, envelope, i) with { Detail = e.Reason })]));
        }

        return new ReplayReport(store.Location, DryRun: true, results);
    }

    /// <summary>
    /// Replays every dead letter of <paramref name="store"/>, one at a time. A dead letter whose events all
    /// end replicated, already done or skipped is moved under <c>replayed/</c> (or deleted when
    /// <paramref name="deleteReplayed"/>); one with any failure stays where it is.
    /// </summary>
    public async Task<ReplayReport> ReplayAsync(IDeadLetterStore store, bool deleteReplayed = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var results = new List<DeadLetterReplayResult>();
        await foreach (string name in store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            DeadLetterReplayResult result = await ReplayOneAsync(store, name, deleteReplayed, cancellationToken).ConfigureAwait(false);
            LogDeadLetter(name, result.Status, result.Events.Count, result.Detail ?? string.Empty); // a missing detail is no "(null)"
            results.Add(result);
        }

        return new ReplayReport(store.Location, DryRun: false, results);
    }

    private async Task<DeadLetterReplayResult> ReplayOneAsync(IDeadLetterStore store, string name, bool deleteReplayed, CancellationToken cancellationToken)
    {
        (DeadLetterEnvelope? envelope, DeadLetterReplayResult? unreadable) = await OpenAsync(store, name, cancellationToken).ConfigureAwait(false);
        if (unreadable is not null)
        {
            return unreadable;
        }

        DeliveryResult delivery = await _processor.ProcessAsync(envelope!.Delivery, cancellationToken).ConfigureAwait(false);
        ReplayedEvent[] events = [.. delivery.Events.Select((e, i) => Describe(e.Event, envelope, i) with
        {
            Outcome = e.Outcome.Kind,
            Detail = e.Outcome.Reason ?? e.Outcome.Warning,
        })];

        if (delivery.Disposition != DeliveryDisposition.Completed)
        {
            return new DeadLetterReplayResult(name, DeadLetterReplayStatus.Failed, events);
        }

        try
        {
            await (deleteReplayed ? store.DeleteAsync(name, cancellationToken) : store.MarkReplayedAsync(name, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The events are replicated; only the tidy-up failed, and the next replay finds them done.
            return new DeadLetterReplayResult(name, DeadLetterReplayStatus.Failed, events,
                $"replayed, but could not be {(deleteReplayed ? "deleted" : "moved")}: {ex.GetType().Name}");
        }

        return new DeadLetterReplayResult(name, DeadLetterReplayStatus.Replayed, events);
    }

    private static async Task<(DeadLetterEnvelope? Envelope, DeadLetterReplayResult? Unreadable)> OpenAsync(IDeadLetterStore store, string name, CancellationToken cancellationToken)
    {
        BinaryData content;
        try
        {
            content = await store.ReadAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (null, new DeadLetterReplayResult(name, DeadLetterReplayStatus.Failed, [], $"could not be read: {ex.GetType().Name}"));
        }

        DeadLetterEnvelope? envelope = DeadLetterEnvelope.TryOpen(content, out string? error);
        return envelope is null
            ? (null, new DeadLetterReplayResult(name, DeadLetterReplayStatus.Unreadable, [], error))
            : (envelope, null);
    }

    private static ReplayedEvent Describe(KeyVaultEvent keyVaultEvent, DeadLetterEnvelope envelope, int index) => new()
    {
        EventId = keyVaultEvent.EventId,
        SecretName = keyVaultEvent.Version?.SecretName,
        Version = keyVaultEvent.Version?.Version,
        DeadLetterReason = index < envelope.DeadLetterReasons.Count ? envelope.DeadLetterReasons[index] : null,
    };

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Dead letter {DeadLetter}: {Status} ({EventCount} events) {Detail}")]
    private partial void LogDeadLetter(string deadLetter, DeadLetterReplayStatus status, int eventCount, string detail);
}
