using System.Text.Json;

namespace KvReplicator.Events;

/// <summary>
/// The fields of Key Vault's <c>SecretNewVersionCreated</c> data that matter here, read as the SDK's
/// <c>KeyVaultSecretNewVersionCreatedEventData</c> model reads them and, where that model gives up, leniently.
/// </summary>
internal readonly record struct SecretEventData(string? Id, string? VaultName, string? ObjectType, string? ObjectName, string? Version)
{
    /// <summary>Reads an event's data.</summary>
    public static bool TryRead(JsonElement data, out SecretEventData fields) => TryReadAsModel(data, out fields) || TryReadLeniently(data, out fields);

    /// <summary>Reads data that came as bytes (<c>data_base64</c>, or an event a host bound).</summary>
    public static bool TryRead(BinaryData? data, out SecretEventData fields)
    {
        fields = default;
        if (data is null)
        {
            return false;
        }

        // The SDK's model reads at JsonDocument's default depth (64) and the lenient reading at the body's (32),
        // so data nested between the two is parsed again, for the model's reading alone.
        try
        {
            using JsonDocument document = JsonDocument.Parse(data.ToMemory(), KeyVaultEventParser.DocumentOptions);
            return TryRead(document.RootElement, out fields);
        }
        catch (JsonException)
        {
        }

        try
        {
            using JsonDocument deep = JsonDocument.Parse(data.ToMemory());
            return TryReadAsModel(deep.RootElement, out fields);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// As the SDK's model: names matched exactly, the last occurrence wins, the five fields strings or null,
    /// <c>NBF</c>/<c>EXP</c> numbers or null.
    /// </summary>
    private static bool TryReadAsModel(JsonElement data, out SecretEventData fields)
    {
        fields = default;
        if (data.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string? id = null, vaultName = null, objectType = null, objectName = null, version = null;
        foreach (JsonProperty property in data.EnumerateObject())
        {
            JsonElement value = property.Value;
            bool valid =
                property.NameEquals("Id"u8) ? JsonText.TryGetString(value, out id) :
                property.NameEquals("VaultName"u8) ? JsonText.TryGetString(value, out vaultName) :
                property.NameEquals("ObjectType"u8) ? JsonText.TryGetString(value, out objectType) :
                property.NameEquals("ObjectName"u8) ? JsonText.TryGetString(value, out objectName) :
                property.NameEquals("Version"u8) ? JsonText.TryGetString(value, out version) :
                !(property.NameEquals("NBF"u8) || property.NameEquals("EXP"u8)) ||
                    value.ValueKind == JsonValueKind.Null || (value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out _));
            if (!valid)
            {
                return false;
            }
        }

        fields = new SecretEventData(id, vaultName, objectType, objectName, version);
        return true;
    }

    /// <summary>
    /// Microsoft's own sample payload quotes NBF/EXP, which the model refuses; those fields do not matter here,
    /// so read the five that do by name, ignoring case, the first occurrence winning.
    /// </summary>
    private static bool TryReadLeniently(JsonElement data, out SecretEventData fields)
    {
        fields = default;
        if (data.ValueKind != JsonValueKind.Object ||
            !TryField(data, "Id", out string? id) || !TryField(data, "VaultName", out string? vaultName) ||
            !TryField(data, "ObjectType", out string? objectType) || !TryField(data, "ObjectName", out string? objectName) ||
            !TryField(data, "Version", out string? version))
        {
            return false;
        }

        fields = new SecretEventData(id, vaultName, objectType, objectName, version);
        return true;
    }

    private static bool TryField(JsonElement data, string name, out string? value)
    {
        value = null;
        foreach (JsonProperty property in data.EnumerateObject())
        {
            if (!JsonText.TryGetName(property, out string propertyName))
            {
                return false;
            }

            if (string.Equals(propertyName, name, StringComparison.OrdinalIgnoreCase))
            {
                return JsonText.TryGetString(property.Value, out value);
            }
        }

        return true;
    }
}
