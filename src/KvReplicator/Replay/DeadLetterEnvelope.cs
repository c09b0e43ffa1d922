using System.Text.Json;
using System.Text.Json.Nodes;

namespace KvReplicator.Replay;

/// <summary>
/// One dead-letter file opened: Event Grid's array of events with its own properties taken off again, so
/// what is replayed is exactly what was first delivered (a CloudEvent would read them as extension
/// attributes, whose names may not contain upper case).
/// </summary>
public sealed record DeadLetterEnvelope
{
    /// <summary>The properties Event Grid adds to a dead-lettered event, in both schemas.</summary>
    public static IReadOnlyList<string> DeadLetterProperties { get; } =
        ["deadLetterReason", "deliveryAttempts", "lastDeliveryOutcome", "lastHttpStatusCode", "publishTime", "lastDeliveryAttemptTime"];

    /// <summary>The events as their original delivery: a JSON array in their own schema.</summary>
    public required BinaryData Delivery { get; init; }

    /// <summary>Event Grid's <c>deadLetterReason</c> of each event, in order; null where it gave none.</summary>
    public required IReadOnlyList<string?> DeadLetterReasons { get; init; }

    /// <summary>Opens a dead letter; null with <paramref name="error"/> set when it is not a JSON event or array of events.</summary>
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

        JsonArray events = root switch
        {
            JsonArray array => array,
            JsonObject single => new JsonArray(single.DeepClone()),
            _ => [],
        };

        if (events.Count == 0 || events.Any(e => e is not JsonObject))
        {
            error = "not a JSON array of events";
            return null;
        }

        var reasons = new List<string?>(events.Count);
        foreach (JsonObject gridEvent in events.Cast<JsonObject>())
        {
            reasons.Add(gridEvent["deadLetterReason"] is JsonValue reason && reason.TryGetValue(out string? text) ? text : null);
            foreach (string property in DeadLetterProperties)
            {
                gridEvent.Remove(property);
            }
        }

        error = null;
        return new DeadLetterEnvelope { Delivery = BinaryData.FromString(events.ToJsonString()), DeadLetterReasons = reasons };
    }
}
