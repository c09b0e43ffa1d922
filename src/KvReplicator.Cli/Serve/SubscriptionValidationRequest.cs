using System.Text.Json;

namespace KvReplicator.Cli.Serve;

/// <summary>Recognises Event Grid's <c>Microsoft.EventGrid.SubscriptionValidationEvent</c> and reads its code.</summary>
internal static class SubscriptionValidationRequest
{
    public const string EventType = "Microsoft.EventGrid.SubscriptionValidationEvent";

    /// <summary>True when the body is exactly one validation event; <paramref name="code"/> is its code, or null when it has none.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> body, out string? code)
    {
        code = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            JsonElement root = document.RootElement;
            JsonElement single = root.ValueKind switch
            {
                JsonValueKind.Array when root.GetArrayLength() == 1 => root[0],
                JsonValueKind.Object => root,
                _ => default,
            };

            if (single.ValueKind != JsonValueKind.Object ||
                !single.TryGetProperty("eventType", out JsonElement type) || type.ValueKind != JsonValueKind.String ||
                !string.Equals(type.GetString(), EventType, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            if (single.TryGetProperty("data", out JsonElement data) && data.ValueKind == JsonValueKind.Object &&
                data.TryGetProperty("validationCode", out JsonElement value) && value.ValueKind == JsonValueKind.String &&
                value.GetString() is { Length: > 0 and <= 256 } read)
            {
                code = read;
            }

            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid UTF-8 or UTF-16, which JsonDocument only
            // notices when it is read. Not a validation event; the parser refuses it with its reason.
            return false;
        }
    }
}
