using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using KvReplicator.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KvReplicator.DeadLettering;

/// <summary>
/// Dead-letters an event a host rejected. A host acknowledges a permanent failure so the event does not loop,
/// and Event Grid then never dead-letters it; this writes it where Event Grid would have, in Event Grid's
/// dead-letter format, so <see cref="DeadLetterReplayer"/> (<c>kvrep replay</c>) re-drives it once the cause is fixed.
/// </summary>
/// <remarks>
/// Blobs are named <c>rejected/yyyy/MM/dd/HH/&lt;event id&gt;.json</c> (the hour of the rejection), beside Event
/// Grid's <c>&lt;SUBSCRIPTION&gt;/yyyy/MM/dd/HH/…</c>. A write that fails throws: the host then throws too, and
/// Event Grid retries the event and, once its retries are spent, dead-letters it itself; nothing is lost.
/// </remarks>
public sealed partial class RejectedDeliveryDeadLetterer
{
    /// <summary>The prefix of every dead letter written here, so they are told apart from Event Grid's own.</summary>
    public const string NamePrefix = "rejected/";

    /// <summary>
    /// <c>lastHttpStatusCode</c> of a rejection: the status an HTTP host answers a rejected delivery with (see
    /// <see cref="DeliveryDisposition.Rejected"/>).
    /// </summary>
    public const int RejectedHttpStatus = 400;

    private readonly IDeadLetterSink? _sink;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RejectedDeliveryDeadLetterer> _logger;

    /// <param name="sink">Where to write; null when <c>KvReplicator:DeadLetter</c> is not configured, and every rejection is then only logged, loudly.</param>
    internal RejectedDeliveryDeadLetterer(IDeadLetterSink? sink, TimeProvider timeProvider, ILogger<RejectedDeliveryDeadLetterer> logger)
    {
        _sink = sink;
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Dead-letters an Event Grid schema event; returns the dead letter's name, or null when there is no sink.</summary>
    internal Task<string?> DeadLetterAsync(EventGridEvent gridEvent, DeliveryResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gridEvent);
        return DeadLetterAsync(Serialize(gridEvent), gridEvent.Id, gridEvent.EventTime, result, cancellationToken);
    }

    /// <summary>Dead-letters a CloudEvents 1.0 event; returns the dead letter's name, or null when there is no sink.</summary>
    internal Task<string?> DeadLetterAsync(CloudEvent cloudEvent, DeliveryResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        return DeadLetterAsync(Serialize(cloudEvent), cloudEvent.Id, cloudEvent.Time, result, cancellationToken);
    }

    /// <summary>The dead-letter blob name of an event rejected at <paramref name="rejectedOn"/>.</summary>
    public static string NameFor(string? eventId, DateTimeOffset rejectedOn)
    {
        string id = string.IsNullOrWhiteSpace(eventId) ? Guid.NewGuid().ToString("N") : UnsafeNameCharacters().Replace(eventId, "-");
        return $"{NamePrefix}{rejectedOn.UtcDateTime.ToString("yyyy/MM/dd/HH", CultureInfo.InvariantCulture)}/{id[..Math.Min(id.Length, 200)]}.json";
    }

    private async Task<string?> DeadLetterAsync(JsonObject body, string? eventId, DateTimeOffset? eventTime, DeliveryResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Disposition != DeliveryDisposition.Rejected)
        {
            throw new ArgumentException($"Only a rejected delivery is dead-lettered; this one is {result.Disposition}.", nameof(result));
        }

        if (_sink is null)
        {
            LogNotDeadLettered(eventId, DeadLetterOptions.SectionName);
            return null;
        }

        DateTimeOffset now = _timeProvider.GetUtcNow();
        string reasons = string.Join("; ", result.Events.Where(e => e.Outcome.IsPermanentFailure).Select(e => e.Outcome.Reason));

        // Event Grid's dead-letter properties, so DeadLetterEnvelope reads this like any other dead letter. The
        // trigger does not expose how often Event Grid delivered the event: this delivery is the one counted.
        body["deadLetterReason"] = $"Rejected: {reasons}";
        body["deliveryAttempts"] = 1;
        body["lastDeliveryOutcome"] = "Rejected";
        body["lastHttpStatusCode"] = RejectedHttpStatus;
        body["publishTime"] = FormatTime(eventTime ?? now);
        body["lastDeliveryAttemptTime"] = FormatTime(now);

        string name = NameFor(eventId, now);
        await _sink.WriteAsync(name, BinaryData.FromString(new JsonArray(body).ToJsonString()), cancellationToken).ConfigureAwait(false);
        ReplicationTelemetry.DeadLetterWritten();
        LogDeadLettered(eventId, _sink.Location, name);
        return name;
    }

    // Event Grid's form: UTC with a Z, seven fractional digits.
    private static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    // The SDK types carry their own System.Text.Json converters, which write the wire format Event Grid delivered.
    private static JsonObject Serialize<T>(T sdkEvent) =>
        JsonSerializer.SerializeToNode(sdkEvent) as JsonObject
            ?? throw new InvalidOperationException($"{typeof(T).Name} did not serialize to a JSON object.");

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeNameCharacters();

    [LoggerMessage(EventId = 600, Level = LogLevel.Warning,
        Message = "Rejected event {EventId} dead-lettered to {DeadLetterLocation}/{DeadLetter}; re-drive it with kvrep replay once the cause is fixed")]
    private partial void LogDeadLettered(string? eventId, string deadLetterLocation, string deadLetter);

    [LoggerMessage(EventId = 601, Level = LogLevel.Critical,
        Message = "Rejected event {EventId} is NOT dead-lettered ({Section} is not configured): this log line is its only record, kvrep replay cannot re-drive it")]
    private partial void LogNotDeadLettered(string? eventId, string section);
}
