using System.Text.Json;
using System.Text.Json.Nodes;

namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>Reads the JSON bodies of set and update requests, answering malformed ones as Key Vault does (400 BadParameter).</summary>
internal static class SecretRequestReader
{
    public static async Task<NewSecretVersion> ReadSetAsync(Stream body, CancellationToken cancellationToken)
    {
        JsonObject request = await ReadObjectAsync(body, cancellationToken).ConfigureAwait(false);
        string value = request["value"] is JsonValue v && v.TryGetValue(out string? text)
            ? text
            : throw KeyVaultServiceError.BadParameter("The 'value' of the secret is required and must be a string.");
        JsonObject? attributes = ObjectOrNull(request, "attributes");
        return new NewSecretVersion
        {
            Value = value,
            ContentType = StringOrNull(request, "contentType"),
            Tags = Tags(request),
            Enabled = BoolOrNull(attributes, "enabled") ?? true,
            NotBefore = TimeOrNull(attributes, "nbf").Value,
            ExpiresOn = TimeOrNull(attributes, "exp").Value,
        };
    }

    public static async Task<SecretUpdate> ReadUpdateAsync(Stream body, CancellationToken cancellationToken)
    {
        JsonObject request = await ReadObjectAsync(body, cancellationToken).ConfigureAwait(false);
        JsonObject? attributes = ObjectOrNull(request, "attributes");
        return new SecretUpdate
        {
            ContentType = StringOrNull(request, "contentType"),
            Tags = Tags(request),
            Enabled = BoolOrNull(attributes, "enabled"),
            NotBefore = TimeOrNull(attributes, "nbf"),
            ExpiresOn = TimeOrNull(attributes, "exp"),
        };
    }

    private static async Task<JsonObject> ReadObjectAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonNode.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false) as JsonObject
                ?? throw KeyVaultServiceError.BadParameter("The request body must be a JSON object.");
        }
        catch (JsonException)
        {
            // Never echo the body: it may hold the value being set.
            throw KeyVaultServiceError.BadParameter("The request body is not valid JSON.");
        }
    }

    private static JsonObject? ObjectOrNull(JsonObject parent, string member) => parent[member] switch
    {
        null => null,
        JsonObject o => o,
        _ => throw KeyVaultServiceError.BadParameter($"'{member}' must be an object."),
    };

    private static string? StringOrNull(JsonObject parent, string member) => parent[member] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw KeyVaultServiceError.BadParameter($"'{member}' must be a string."),
    };

    private static bool? BoolOrNull(JsonObject? parent, string member) => parent?[member] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out bool b) => b,
        _ => throw KeyVaultServiceError.BadParameter($"'attributes.{member}' must be a boolean."),
    };

    private static Optional<DateTimeOffset?> TimeOrNull(JsonObject? parent, string member)
    {
        if (parent is null || !parent.TryGetPropertyValue(member, out JsonNode? node))
        {
            return default;
        }

        return node switch
        {
            null => Optional<DateTimeOffset?>.Of(null),
            JsonValue v when v.TryGetValue(out long seconds) => Optional<DateTimeOffset?>.Of(DateTimeOffset.FromUnixTimeSeconds(seconds)),
            _ => throw KeyVaultServiceError.BadParameter($"'attributes.{member}' must be Unix seconds."),
        };
    }

    private static Dictionary<string, string>? Tags(JsonObject request)
    {
        if (ObjectOrNull(request, "tags") is not JsonObject tags)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, JsonNode? value) in tags)
        {
            result[key] = value is JsonValue v && v.TryGetValue(out string? s) ? s : throw KeyVaultServiceError.BadParameter("Tag values must be strings.");
        }

        return result;
    }
}
