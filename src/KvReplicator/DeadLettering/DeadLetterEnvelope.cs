using System.Text.Json;
using System.Text.Json.Nodes;

namespace KvReplicator.DeadLettering;

/// <summary>
/// One dead-letter file opened: Event Grid's array of events with its own properties taken off again, so
/// what is replayed is exactly what was first delivered (a CloudEvent would read them as extension
/// attributes, whose names may not contain upper case).
/// </summary>
internal sealed record DeadLetterEnvelope
{
    /// <summary>The properties Event Grid adds to a dead-lettered event, in both schemas.</summary>
    public static IReadOnlyList<string> DeadLetterProperties { get; } =
        ["deadLetterReason", "deliveryAttempts", "lastDeliveryOutcome", "lastHttpStatusCode", "publishTime", "lastDeliveryAttemptTime"];

    /// <summary>The events as their original delivery: a JSON array in their own schema.</summary>
    public required BinaryData Delivery { get; init; }

    /// <summary>Event Grid's <c>deadLetterReason</c> of each event, in order; null where it gave none.</summary>
    public required IReadOnlyList<string?> DeadLetterReasons { get; init; }

    /// <summary>
    /// Opens a dead letter: a JSON array of events, as Event Grid and the Functions host write them. Null with
    /// <paramref name="error"/> set otherwise: an empty array has no events, and a bare object is not a dead
    /// letter (a lone event never sits in the container on its own), so neither is replayed.
    /// </summary>
    public static DeadLetterEnvelope? TryOpen(BinaryData content, out string? error)
    {
        ArgumentNullException.ThrowIfNull(content);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(content.ToMemory().Span);
        }
        catch (JsonException)
        {
            error = "not valid JSON";
            return null;
        }

        error = root switch
        {
            JsonObject => "not a dead letter: a JSON object, where a dead letter is a JSON array of events",
            JsonArray { Count: 0 } => "no events",
            JsonArray array when array.All(e => e is JsonObject) => null,
            _ => "not a JSON array of events",
        };
        if (error is not null)
        {
            return null;
        }

        JsonArray events = (JsonArray)root!;
        var reasons = new List<string?>(events.Count);
        foreach (JsonObject gridEvent in events.Cast<JsonObject>())
        {
            reasons.Add(gridEvent["deadLetterReason"] is JsonValue reason && reason.TryGetValue(out string? text) ? text : null);
            foreach (string property in DeadLetterProperties)
            {
                gridEvent.Remove(property);
            }
        }

        return new DeadLetterEnvelope { Delivery = BinaryData.FromString(events.ToJsonString()), DeadLetterReasons = reasons };
    }
}
