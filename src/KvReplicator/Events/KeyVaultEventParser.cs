using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using Azure.Messaging;
using Azure.Messaging.EventGrid;

namespace KvReplicator.Events;

/// <summary>
/// Turns an Event Grid delivery (Event Grid schema or CloudEvents 1.0, single or batch) into
/// <see cref="KeyVaultEvent"/>s. It never throws for bad input: a payload it cannot understand becomes a
/// <see cref="KeyVaultEventKind.Malformed"/> event with a reason, because retrying it cannot help.
/// </summary>
/// <remarks>
/// A raw body is parsed once, into one <see cref="JsonDocument"/>, and each event's attributes and data are read
/// from its elements. What the body path accepts is what the SDK's <c>EventGridEvent.Parse</c> and
/// <c>CloudEvent.Parse</c> accept (see <see cref="EventGridSchema"/>, <see cref="CloudEventSchema"/>), so events
/// a host binds with the SDK and hands to the other overloads are judged alike.
/// </remarks>
internal static class KeyVaultEventParser
{
    public const string SecretNewVersionCreated = "Microsoft.KeyVault.SecretNewVersionCreated";

    /// <summary>Event Grid accepts at most 1 MB per event; a body far beyond that is not a delivery.</summary>
    public const int MaxBodyBytes = 1024 * 1024 * 2;

    /// <summary>How deep a delivery (and an event's data read from bytes) may nest.</summary>
    internal static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    /// <summary>Parses a raw delivery body.</summary>
    public static IReadOnlyList<KeyVaultEvent> Parse(BinaryData body)
    {
        ArgumentNullException.ThrowIfNull(body);
        ReadOnlyMemory<byte> bytes = body.ToMemory();
        if (bytes.Length > MaxBodyBytes)
        {
            return [KeyVaultEvent.Malform(null, null, $"delivery body is larger than {MaxBodyBytes} bytes")];
        }

        // JsonDocument lets invalid UTF-8 through inside strings and only reading them throws; checked here
        // once, only escaped strings are left to decode with care (JsonText).
        if (!Utf8.IsValid(bytes.Span))
        {
            return [KeyVaultEvent.Malform(null, null, "body is not valid UTF-8")];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return [KeyVaultEvent.Malform(null, null, $"body is not valid JSON ({FirstLine(ex.Message)})")];
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.Object:
                    return [ParseElement(root)];
                case JsonValueKind.Array when root.GetArrayLength() == 0:
                    return [KeyVaultEvent.Malform(null, null, "delivery is an empty array")];
                case JsonValueKind.Array:
                    var events = new KeyVaultEvent[root.GetArrayLength()];
                    int i = 0;
                    foreach (JsonElement element in root.EnumerateArray())
                    {
                        events[i++] = ParseElement(element);
                    }

                    return events;
                default:
                    return [KeyVaultEvent.Malform(null, null, $"body is a JSON {root.ValueKind}, not an event or an array of events")];
            }
        }
    }

    /// <summary>Parses an event that a host has already bound as an Event Grid schema event.</summary>
    public static KeyVaultEvent Parse(EventGridEvent gridEvent)
    {
        ArgumentNullException.ThrowIfNull(gridEvent);
        return FromEnvelope(new EventEnvelope(gridEvent.Id, gridEvent.EventType, gridEvent.Subject, gridEvent.EventTime, Data: null, gridEvent.Data));
    }

    /// <summary>Parses an event that a host has already bound as a CloudEvent.</summary>
    public static KeyVaultEvent Parse(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        return FromEnvelope(new EventEnvelope(cloudEvent.Id, cloudEvent.Type, cloudEvent.Subject, cloudEvent.Time, Data: null, cloudEvent.Data));
    }

    private static KeyVaultEvent ParseElement(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return KeyVaultEvent.Malform(null, null, $"event is a JSON {element.ValueKind}, not an object");
        }

        string? problem;
        EventEnvelope envelope;
        if (element.TryGetProperty("specversion"u8, out _))
        {
            problem = CloudEventSchema.Read(element, out envelope);
        }
        else if (element.TryGetProperty("eventType"u8, out _))
        {
            problem = EventGridSchema.Read(element, out envelope);
        }
        else
        {
            return KeyVaultEvent.Malform(QuotedString(element, "id"u8), null, "event has neither 'eventType' (Event Grid schema) nor 'specversion' (CloudEvents 1.0)");
        }

        return problem is null
            ? FromEnvelope(envelope)
            : KeyVaultEvent.Malform(QuotedString(element, "id"u8), QuotedString(element, "eventType"u8) ?? QuotedString(element, "type"u8), $"event does not follow its schema ({problem})");
    }

    private static KeyVaultEvent FromEnvelope(EventEnvelope envelope)
    {
        // Whatever the sender wrote ends up in logs and in the answer to Event Grid: quote a little of it only.
        string? id = Truncate(envelope.Id);
        string? eventType = Truncate(envelope.Type);
        if (string.IsNullOrWhiteSpace(eventType))
        {
            return KeyVaultEvent.Malform(id, eventType, "event has no type");
        }

        if (!string.Equals(eventType, SecretNewVersionCreated, StringComparison.OrdinalIgnoreCase))
        {
            string reason = eventType.StartsWith("Microsoft.KeyVault.", StringComparison.OrdinalIgnoreCase)
                ? $"Key Vault event type '{eventType}' does not announce a new secret version"
                : $"event type '{eventType}' is not a Key Vault event";
            return KeyVaultEvent.Ignore(id, eventType, reason);
        }

        bool read = envelope.Data is { } data ? SecretEventData.TryRead(data, out SecretEventData fields) : SecretEventData.TryRead(envelope.DataBytes, out fields);
        if (!read)
        {
            return KeyVaultEvent.Malform(id, eventType, "event data does not match the Key Vault schema (an object of string fields)");
        }

        return FromSecretData(id, eventType, envelope.Subject, fields) with { AnnouncedOn = envelope.Time == default(DateTimeOffset) ? null : envelope.Time };
    }

    private static KeyVaultEvent FromSecretData(string? id, string eventType, string? subject, SecretEventData data)
    {
        if (data.ObjectType is { Length: > 0 } objectType && !string.Equals(objectType, "Secret", StringComparison.OrdinalIgnoreCase))
        {
            return KeyVaultEvent.Ignore(id, eventType, $"object type '{Truncate(objectType)}' is not a secret");
        }

        string? name = data.ObjectName;
        string? version = data.Version;
        string? vault = data.VaultName;

        // The Id URI carries everything; use it for whatever the flat fields leave out, and refuse an
        // event whose fields and Id disagree rather than guess which one is right.
        if (!string.IsNullOrEmpty(data.Id))
        {
            if (!TryParseSecretId(data.Id, out ReadOnlySpan<char> idVault, out ReadOnlySpan<char> idName, out ReadOnlySpan<char> idVersion))
            {
                return KeyVaultEvent.Malform(id, eventType, "event data 'Id' is not a Key Vault secret version URI");
            }

            if ((name is { Length: > 0 } && !name.AsSpan().Equals(idName, StringComparison.OrdinalIgnoreCase)) ||
                (version is { Length: > 0 } && !version.AsSpan().Equals(idVersion, StringComparison.OrdinalIgnoreCase)))
            {
                return KeyVaultEvent.Malform(id, eventType, "event data 'ObjectName'/'Version' disagree with its 'Id'");
            }

            name = string.IsNullOrEmpty(name) ? idName.ToString() : name;
            version = string.IsNullOrEmpty(version) ? idVersion.ToString() : version;
            vault = string.IsNullOrEmpty(vault) ? idVault.ToString() : vault;
        }

        name = string.IsNullOrEmpty(name) ? subject : name;

        if (string.IsNullOrEmpty(name))
        {
            return KeyVaultEvent.Malform(id, eventType, "event names no secret (no 'ObjectName', 'Id' or subject)");
        }

        if (!KeyVaultNames.SecretName().IsMatch(name))
        {
            return KeyVaultEvent.Malform(id, eventType, $"'{Truncate(name)}' is not a valid Key Vault secret name");
        }

        if (string.IsNullOrEmpty(version))
        {
            return KeyVaultEvent.Malform(id, eventType, $"event for secret '{name}' names no version");
        }

        if (!KeyVaultNames.Version().IsMatch(version))
        {
            return KeyVaultEvent.Malform(id, eventType, $"'{Truncate(version)}' is not a Key Vault version id (32 hex digits)");
        }

        if (string.IsNullOrEmpty(vault) || !KeyVaultNames.VaultName().IsMatch(vault))
        {
            return KeyVaultEvent.Malform(id, eventType, $"event for secret '{name}' names no valid vault");
        }

        return KeyVaultEvent.NewVersion(id, eventType, new SecretVersionRef(vault, name, version.ToLowerInvariant()));
    }

    /// <summary>
    /// Reads a secret version URI (<c>https://{vault}.vault.azure.net/secrets/{name}/{version}</c>) into spans
    /// of its parts, so that those the event's own fields already give cost nothing. A missing version is empty.
    /// </summary>
    private static bool TryParseSecretId(string id, out ReadOnlySpan<char> vault, out ReadOnlySpan<char> name, out ReadOnlySpan<char> version)
    {
        vault = name = version = default;
        if (!Uri.TryCreate(id, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            return false;
        }

        // Uri has canonicalised the path (dot segments, backslashes, escapes). Read it as the Key Vault SDK's
        // KeyVaultSecretIdentifier does, "/secrets/{name}[/{version}]" with one trailing slash allowed, without
        // the Uri and arrays that parser allocates per event.
        ReadOnlySpan<char> path = uri.AbsolutePath;
        if (!path.StartsWith("/secrets/", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        ReadOnlySpan<char> rest = path["/secrets/".Length..];
        int nameEnd = rest.IndexOf('/');
        name = nameEnd < 0 ? rest : rest[..nameEnd];
        version = nameEnd < 0 ? [] : rest[(nameEnd + 1)..];
        int versionEnd = version.IndexOf('/');
        if (name.IsEmpty || (versionEnd >= 0 && versionEnd != version.Length - 1))
        {
            return false;
        }

        version = version.TrimEnd('/');
        ReadOnlySpan<char> host = uri.Host;
        int firstDot = host.IndexOf('.');
        vault = firstDot < 0 ? host : host[..firstDot];
        return true;
    }

    /// <summary>Reads the event type, sharing one string for the type this service acts on.</summary>
    internal static bool TryGetEventType(JsonElement value, out string? eventType)
    {
        if (value.ValueKind == JsonValueKind.String && JsonMarshal.GetRawUtf8Value(value).SequenceEqual("\"Microsoft.KeyVault.SecretNewVersionCreated\""u8))
        {
            eventType = SecretNewVersionCreated;
            return true;
        }

        return JsonText.TryGetString(value, out eventType);
    }

    /// <summary>A string attribute to quote in a refusal: a little of it, and nothing that is not text.</summary>
    private static string? QuotedString(JsonElement element, ReadOnlySpan<byte> property) =>
        element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String && JsonText.TryGetString(value, out string? text)
            ? Truncate(text)
            : null;

    private static string FirstLine(string message) => Truncate(message.Split('\n')[0].Trim())!;

    internal static string? Truncate(string? value) => value is { Length: > 128 } ? value[..128] + "…" : value;
}
