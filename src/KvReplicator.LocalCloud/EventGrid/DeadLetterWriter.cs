using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KvReplicator.LocalCloud.EventGrid;

/// <summary>
/// Writes a dead-lettered event where its subscription asks: the event as it would have been delivered,
/// plus Event Grid's dead-letter properties, as a one-element JSON array (the shape of Event Grid's blobs).
/// </summary>
internal static class DeadLetterWriter
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static async Task WriteAsync(LocalEventSubscription subscription, GridEvent gridEvent, DeadLetterRecord record, CancellationToken cancellationToken = default)
    {
        if (subscription.DeadLetterFolder is null && subscription.DeadLetterContainer is null)
        {
            return; // Event Grid drops what it cannot dead-letter.
        }

        JsonObject body = gridEvent.Render(subscription.Schema);
        body["deadLetterReason"] = record.Reason;
        body["deliveryAttempts"] = record.DeliveryAttempts;
        body["lastDeliveryOutcome"] = record.LastAttempt?.Outcome;
        body["lastHttpStatusCode"] = record.LastAttempt?.HttpStatusCode ?? 0;
        body["publishTime"] = GridEvent.FormatTime(record.PublishTime);
        body["lastDeliveryAttemptTime"] = record.LastAttempt is null ? null : GridEvent.FormatTime(record.LastAttempt.Time);
        BinaryData content = BinaryData.FromString(new JsonArray(body).ToJsonString(s_indented));

        string fileName = $"{record.PublishTime.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)}-{gridEvent.Id}.json";
        if (subscription.DeadLetterFolder is { } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, fileName), content.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        if (subscription.DeadLetterContainer is { } container)
        {
            // Event Grid's layout: <subscription>/<yyyy>/<MM>/<dd>/<HH>/<file>.
            string blobName = $"{subscription.Name.ToUpperInvariant()}/{record.PublishTime.UtcDateTime.ToString("yyyy/MM/dd/HH", CultureInfo.InvariantCulture)}/{fileName}";
            await container.UploadBlobAsync(blobName, content, cancellationToken).ConfigureAwait(false);
        }
    }
}
