using System.Buffers;
using System.Text.Json;

namespace KvReplicator.Events;

/// <summary>
/// Reads a CloudEvents 1.0 event (structured JSON) from an element of the delivery's document, accepting
/// exactly what the SDK's <c>CloudEvent.Parse</c> accepts with validation on, so a host that binds events and
/// the raw body agree.
/// </summary>
internal static class CloudEventSchema
{
    private static readonly SearchValues<char> s_lowerCaseLettersAndDigits = SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyz");

    /// <summary>
    /// As the SDK: names matched exactly and the last occurrence wins; <c>id</c>, <c>source</c> and <c>type</c>
    /// required strings (a null is skipped); <c>specversion</c> "1.0"; <c>time</c> an ISO 8601 date;
    /// <c>data_base64</c> base64; <c>data</c> all text; every other attribute an extension named in lower-case
    /// letters and digits, once, whose value is a string, a boolean or a 32-bit integer. Returns why the event
    /// does not follow the schema, or null. One difference: an event without <c>time</c> has none here, where
    /// the SDK stamps it with the moment it parsed it.
    /// </summary>
    public static string? Read(JsonElement element, out EventEnvelope envelope)
    {
        envelope = default;
        string? id = null, type = null, subject = null, specVersion = null;
        bool hasSource = false;
        DateTimeOffset? time = null;
        JsonElement? data = null;
        BinaryData? dataBytes = null;
        List<string>? extensions = null;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            JsonElement value = property.Value;
            bool isNull = value.ValueKind == JsonValueKind.Null;
            if (property.NameEquals("id"u8))
            {
                if (!isNull && !JsonText.TryGetString(value, out id))
                {
                    return "'id' is not a string";
                }
            }
            else if (property.NameEquals("source"u8))
            {
                if (!isNull && !JsonText.IsTextOrNull(value))
                {
                    return "'source' is not a string";
                }

                hasSource |= !isNull;
            }
            else if (property.NameEquals("data"u8))
            {
                if (!JsonText.IsAllText(value))
                {
                    return "'data' holds an escaped lone surrogate";
                }

                (data, dataBytes) = (value, null);
            }
            else if (property.NameEquals("data_base64"u8))
            {
                if (!isNull)
                {
                    if (value.ValueKind != JsonValueKind.String || !JsonText.IsText(value) || !value.TryGetBytesFromBase64(out byte[]? bytes))
                    {
                        return "'data_base64' is not base64";
                    }

                    (data, dataBytes) = (null, BinaryData.FromBytes(bytes));
                }
            }
            else if (property.NameEquals("type"u8))
            {
                if (!isNull && !KeyVaultEventParser.TryGetEventType(value, out type))
                {
                    return "'type' is not a string";
                }
            }
            else if (property.NameEquals("time"u8))
            {
                if (!isNull)
                {
                    if (value.ValueKind != JsonValueKind.String || !value.TryGetDateTimeOffset(out DateTimeOffset parsed))
                    {
                        return "'time' is not an ISO 8601 date";
                    }

                    time = parsed;
                }
            }
            else if (property.NameEquals("specversion"u8))
            {
                if (!JsonText.TryGetString(value, out specVersion))
                {
                    return "'specversion' is not a string";
                }
            }
            else if (property.NameEquals("subject"u8))
            {
                if (!JsonText.TryGetString(value, out subject))
                {
                    return "'subject' is not a string";
                }
            }
            else if (property.NameEquals("dataschema"u8) || property.NameEquals("datacontenttype"u8))
            {
                if (!JsonText.IsTextOrNull(value))
                {
                    return $"'{property.Name}' is not a string";
                }
            }
            else if (AddExtension(property, ref extensions) is { } problem)
            {
                return problem;
            }
        }

        string? missing = !hasSource ? "source" : type is null ? "type" : id is null ? "id" : null;
        if (missing is not null)
        {
            return $"no '{missing}'";
        }

        if (specVersion != "1.0")
        {
            return "'specversion' is not \"1.0\"";
        }

        envelope = new EventEnvelope(id, type, subject, time, data, dataBytes);
        return null;
    }

    private static string? AddExtension(JsonProperty property, ref List<string>? extensions)
    {
        if (!JsonText.TryGetName(property, out string name))
        {
            return "an attribute's name is not text";
        }

        if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(s_lowerCaseLettersAndDigits))
        {
            // Not quoted: it may hold anything, line breaks included, and reasons end up in logs.
            return "an extension attribute is not named in lower-case letters and digits";
        }

        string quoted = KeyVaultEventParser.Truncate(name)!;
        JsonElement value = property.Value;
        bool supported = value.ValueKind switch
        {
            JsonValueKind.String => JsonText.IsText(value),
            JsonValueKind.Number => value.TryGetInt32(out _),
            JsonValueKind.True or JsonValueKind.False => true,
            _ => false,
        };
        if (!supported)
        {
            return $"extension attribute '{quoted}' is not a string, a boolean or a 32-bit integer";
        }

        extensions ??= [];
        if (extensions.Contains(name))
        {
            return $"extension attribute '{quoted}' appears twice";
        }

        extensions.Add(name);
        return null;
    }
}
