using System.Globalization;
using System.Text.Json;

namespace KvReplicator.Events;

/// <summary>
/// Reads an Event Grid schema event from an element of the delivery's document, accepting exactly what the
/// SDK's <c>EventGridEvent.Parse</c> accepts, so a host that binds events and the raw body agree.
/// </summary>
internal static class EventGridSchema
{
    /// <summary>
    /// As the SDK: names matched exactly and the last occurrence wins; <c>id</c>, <c>topic</c>, <c>subject</c>,
    /// <c>eventType</c>, <c>metadataVersion</c> and <c>dataVersion</c> strings or null; <c>eventTime</c> a date;
    /// <c>id</c>, <c>subject</c>, <c>eventType</c>, <c>dataVersion</c> and <c>data</c> present, and <c>data</c>
    /// all text (the SDK copies it by serialising it, which fails on an escaped lone surrogate). Returns why the
    /// event does not follow the schema, or null.
    /// </summary>
    public static string? Read(JsonElement element, out EventEnvelope envelope)
    {
        envelope = default;
        string? id = null, subject = null, eventType = null;
        bool hasDataVersion = false;
        DateTimeOffset time = default;
        JsonElement? data = null;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            JsonElement value = property.Value;
            if (property.NameEquals("id"u8))
            {
                if (!JsonText.TryGetString(value, out id))
                {
                    return "'id' is not a string";
                }
            }
            else if (property.NameEquals("topic"u8))
            {
                if (!JsonText.IsTextOrNull(value))
                {
                    return "'topic' is not a string";
                }
            }
            else if (property.NameEquals("subject"u8))
            {
                if (!JsonText.TryGetString(value, out subject))
                {
                    return "'subject' is not a string";
                }
            }
            else if (property.NameEquals("data"u8))
            {
                data = value;
            }
            else if (property.NameEquals("eventType"u8))
            {
                if (!KeyVaultEventParser.TryGetEventType(value, out eventType))
                {
                    return "'eventType' is not a string";
                }
            }
            else if (property.NameEquals("eventTime"u8))
            {
                // The SDK's own lenient parse (invariant culture, UTC unless the text says otherwise).
                if (!JsonText.TryGetString(value, out string? text) || text is null ||
                    !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time))
                {
                    return "'eventTime' is not a date";
                }
            }
            else if (property.NameEquals("metadataVersion"u8))
            {
                if (!JsonText.IsTextOrNull(value))
                {
                    return "'metadataVersion' is not a string";
                }
            }
            else if (property.NameEquals("dataVersion"u8))
            {
                if (!JsonText.IsTextOrNull(value))
                {
                    return "'dataVersion' is not a string";
                }

                hasDataVersion = value.ValueKind == JsonValueKind.String;
            }
        }

        string? missing = subject is null ? "subject" : eventType is null ? "eventType" : !hasDataVersion ? "dataVersion" : id is null ? "id" : data is null ? "data" : null;
        if (missing is not null)
        {
            return $"no '{missing}'";
        }

        if (!JsonText.IsAllText(data!.Value))
        {
            return "'data' holds an escaped lone surrogate";
        }

        envelope = new EventEnvelope(id, eventType, subject, time, data, DataBytes: null);
        return null;
    }
}
