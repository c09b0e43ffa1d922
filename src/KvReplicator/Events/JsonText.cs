using System.Runtime.InteropServices;
using System.Text.Json;

namespace KvReplicator.Events;

/// <summary>
/// Reads JSON strings the way the Azure SDK's event models do, without letting their exceptions out. JSON can
/// escape a lone surrogate (<c>"\ud800"</c>), which is no text: <see cref="JsonElement.GetString"/> throws on it
/// and so does the SDK when it re-serialises an event's <c>data</c>, which made such an event malformed.
/// </summary>
internal static class JsonText
{
    /// <summary>A JSON string or null, as <see cref="JsonElement.GetString"/> returns it; false for anything else.</summary>
    public static bool TryGetString(JsonElement element, out string? value)
    {
        value = null;
        if (element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            value = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // a lone surrogate, or invalid UTF-8 in a document not checked beforehand
        }
    }

    /// <summary>A property's name decoded, or false when it is not text.</summary>
    public static bool TryGetName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }

    /// <summary>
    /// Whether a string of a body already checked to be UTF-8 decodes to text. Only escapes can make it
    /// invalid, so unescaped strings (nearly all) are answered without decoding them.
    /// </summary>
    public static bool IsText(JsonElement stringElement) =>
        !JsonMarshal.GetRawUtf8Value(stringElement).Contains((byte)'\\') || TryGetString(stringElement, out _);

    /// <summary>Null, or a string of a UTF-8-checked body that decodes to text.</summary>
    public static bool IsTextOrNull(JsonElement element) =>
        element.ValueKind == JsonValueKind.Null || (element.ValueKind == JsonValueKind.String && IsText(element));

    /// <summary>Whether every name and string inside a value of a UTF-8-checked body decodes to text.</summary>
    public static bool IsAllText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsText(element);
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (!IsAllText(item))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if ((JsonMarshal.GetRawUtf8PropertyName(property).Contains((byte)'\\') && !TryGetName(property, out _)) || !IsAllText(property.Value))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }
}
