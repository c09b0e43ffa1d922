using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using Azure.Messaging.EventGrid.SystemEvents;
using Azure.Security.KeyVault.Secrets;

namespace KvReplicator.Events;

/// <summary>
/// Turns an Event Grid delivery (Event Grid schema or CloudEvents 1.0, single or batch) into
/// <see cref="KeyVaultEvent"/>s. It never throws for bad input: a payload it cannot understand becomes a
/// <see cref="KeyVaultEventKind.Malformed"/> event with a reason, because retrying it cannot help.
/// </summary>
internal static partial class KeyVaultEventParser
{
    public const string SecretNewVersionCreated = "Microsoft.KeyVault.SecretNewVersionCreated";

    /// <summary>Event Grid accepts at most 1 MB per event; a body far beyond that is not a delivery.</summary>
    public const int MaxBodyBytes = 1024 * 1024 * 2;

    private static readonly JsonDocumentOptions s_documentOptions = new() { MaxDepth = 32 };

    /// <summary>Parses a raw delivery body.</summary>
    public static IReadOnlyList<KeyVaultEvent> Parse(BinaryData body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.ToMemory().Length > MaxBodyBytes)
        {
            return [KeyVaultEvent.Malform(null, null, $"delivery body is larger than {MaxBodyBytes} bytes")];
        }

        // JsonDocument lets invalid UTF-8 through inside strings and only reading them throws.
        if (!Utf8.IsValid(body.ToMemory().Span))
        {
            return [KeyVaultEvent.Malform(null, null, "body is not valid UTF-8")];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToMemory(), s_documentOptions);
        }
        catch (JsonException ex)
        {
            return [KeyVaultEvent.Malform(null, null, $"body is not valid JSON ({FirstLine(ex.Message)})")];
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            return root.ValueKind switch
            {
                JsonValueKind.Array when root.GetArrayLength() == 0 =>
                    [KeyVaultEvent.Malform(null, null, "delivery is an empty array")],
                JsonValueKind.Array => root.EnumerateArray().Select(ParseElement).ToArray(),
                JsonValueKind.Object => [ParseElement(root)],
                _ => [KeyVaultEvent.Malform(null, null, $"body is a JSON {root.ValueKind}, not an event or an array of events")],
            };
        }
    }

    /// <summary>Parses an event that a host has already bound as an Event Grid schema event.</summary>
    public static KeyVaultEvent Parse(EventGridEvent gridEvent)
    {
        ArgumentNullException.ThrowIfNull(gridEvent);
        return FromSdkEvent(gridEvent.Id, gridEvent.EventType, gridEvent.Subject, gridEvent.EventTime, gridEvent.Data, () => gridEvent.TryGetSystemEventData(out object? data) ? data : null);
    }

    /// <summary>Parses an event that a host has already bound as a CloudEvent.</summary>
    public static KeyVaultEvent Parse(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        return FromSdkEvent(cloudEvent.Id, cloudEvent.Type, cloudEvent.Subject, cloudEvent.Time, cloudEvent.Data, () => cloudEvent.TryGetSystemEventData(out object? data) ? data : null);
    }

    private static KeyVaultEvent ParseElement(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return KeyVaultEvent.Malform(null, null, $"event is a JSON {element.ValueKind}, not an object");
        }

        string? id = TryGetString(element, "id");
        BinaryData raw = BinaryData.FromString(element.GetRawText());
        try
        {
            if (element.TryGetProperty("specversion", out _))
            {
                return Parse(CloudEvent.Parse(raw, skipValidation: false)!);
            }

            if (element.TryGetProperty("eventType", out _))
            {
                return Parse(EventGridEvent.Parse(raw));
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or JsonException or InvalidOperationException or KeyNotFoundException or NullReferenceException)
        {
            return KeyVaultEvent.Malform(id, TryGetString(element, "eventType") ?? TryGetString(element, "type"),
                $"event does not follow its schema ({ex.GetType().Name}: {FirstLine(ex.Message)})");
        }

        return KeyVaultEvent.Malform(id, null, "event has neither 'eventType' (Event Grid schema) nor 'specversion' (CloudEvents 1.0)");
    }

    private static KeyVaultEvent FromSdkEvent(string? id, string? eventType, string? subject, DateTimeOffset? time, BinaryData? rawData, Func<object?> readSystemData)
    {
        // Whatever the sender wrote ends up in logs and in the answer to Event Grid: quote a little of it only.
        id = Truncate(id);
        eventType = Truncate(eventType);
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

        object? data;
        try
        {
            data = readSystemData();
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException or NullReferenceException)
        {
            data = null;
        }

        // The SDK's model types NBF/EXP as numbers and gives up on anything else (Microsoft's own sample
        // payload quotes them). Those fields do not matter here, so read the ones that do directly.
        if (data is not KeyVaultSecretNewVersionCreatedEventData secretData)
        {
            secretData = TryReadSecretFields(rawData)!;
            if (secretData is null)
            {
                return KeyVaultEvent.Malform(id, eventType, "event data does not match the Key Vault schema (an object of string fields)");
            }
        }

        return FromSecretData(id, eventType, subject, secretData) with { AnnouncedOn = time == default(DateTimeOffset) ? null : time };
    }

    private static KeyVaultSecretNewVersionCreatedEventData? TryReadSecretFields(BinaryData? rawData)
    {
        if (rawData is null)
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(rawData.ToMemory(), s_documentOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? Field(string name)
            {
                foreach (JsonProperty property in document.RootElement.EnumerateObject())
                {
                    if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                    {
                        return property.Value.ValueKind switch
                        {
                            JsonValueKind.String => property.Value.GetString(),
                            JsonValueKind.Null => null,
                            _ => throw new FormatException($"'{name}' is not a string"),
                        };
                    }
                }

                return null;
            }

            return EventGridModelFactory.KeyVaultSecretNewVersionCreatedEventData(
                id: Field("Id"), vaultName: Field("VaultName"), objectType: Field("ObjectType"), objectName: Field("ObjectName"), version: Field("Version"));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static KeyVaultEvent FromSecretData(string? id, string eventType, string? subject, KeyVaultSecretNewVersionCreatedEventData data)
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
            if (!TryParseSecretId(data.Id, out string? idVault, out string? idName, out string? idVersion))
            {
                return KeyVaultEvent.Malform(id, eventType, "event data 'Id' is not a Key Vault secret version URI");
            }

            if ((name is { Length: > 0 } && !string.Equals(name, idName, StringComparison.OrdinalIgnoreCase)) ||
                (version is { Length: > 0 } && !string.Equals(version, idVersion, StringComparison.OrdinalIgnoreCase)))
            {
                return KeyVaultEvent.Malform(id, eventType, "event data 'ObjectName'/'Version' disagree with its 'Id'");
            }

            name = string.IsNullOrEmpty(name) ? idName : name;
            version = string.IsNullOrEmpty(version) ? idVersion : version;
            vault = string.IsNullOrEmpty(vault) ? idVault : vault;
        }

        name = string.IsNullOrEmpty(name) ? subject : name;

        if (string.IsNullOrEmpty(name))
        {
            return KeyVaultEvent.Malform(id, eventType, "event names no secret (no 'ObjectName', 'Id' or subject)");
        }

        if (!SecretNamePattern().IsMatch(name))
        {
            return KeyVaultEvent.Malform(id, eventType, $"'{Truncate(name)}' is not a valid Key Vault secret name");
        }

        if (string.IsNullOrEmpty(version))
        {
            return KeyVaultEvent.Malform(id, eventType, $"event for secret '{name}' names no version");
        }

        if (!VersionPattern().IsMatch(version))
        {
            return KeyVaultEvent.Malform(id, eventType, $"'{Truncate(version)}' is not a Key Vault version id (32 hex digits)");
        }

        if (string.IsNullOrEmpty(vault) || !VaultNamePattern().IsMatch(vault))
        {
            return KeyVaultEvent.Malform(id, eventType, $"event for secret '{name}' names no valid vault");
        }

        return KeyVaultEvent.NewVersion(id, eventType, new SecretVersionRef(vault, name, version.ToLowerInvariant()));
    }

    private static bool TryParseSecretId(string id, out string? vault, out string? name, out string? version)
    {
        vault = name = version = null;
        if (!Uri.TryCreate(id, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            return false;
        }

        try
        {
            var identifier = new KeyVaultSecretIdentifier(uri);
            if (!string.Equals(uri.Segments.ElementAtOrDefault(1), "secrets/", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            vault = uri.Host.Split('.')[0];
            name = identifier.Name;
            version = identifier.Version;
            return !string.IsNullOrEmpty(name);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string? TryGetString(JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out JsonElement value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return Truncate(value.GetString());
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate, e.g. "\ud800": not text, so nothing to quote.
            return null;
        }
    }

    private static string FirstLine(string message) => Truncate(message.Split('\n')[0].Trim())!;

    private static string? Truncate(string? value) => value is { Length: > 128 } ? value[..128] + "…" : value;

    [GeneratedRegex("^[0-9A-Za-z-]{1,127}$")]
    internal static partial Regex SecretNamePattern();

    [GeneratedRegex("^[0-9A-Fa-f]{32}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[0-9A-Za-z-]{3,24}$")]
    private static partial Regex VaultNamePattern();
}
