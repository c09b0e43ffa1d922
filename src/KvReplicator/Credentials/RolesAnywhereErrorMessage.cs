using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KvReplicator.Credentials;

/// <summary>
/// The sentence AWS puts in a failed <c>CreateSession</c>'s <c>message</c> ("Untrusted certificate. Insufficient
/// certificate", "Unable to assume role…"), which says what the 403 alone does not. Only that field is read, as one
/// line of at most <see cref="MaxLength"/> characters, and it is dropped whole when it holds anything shaped like a
/// credential (an access key id, a secret key or a token), whoever put it there.
/// </summary>
internal static partial class RolesAnywhereErrorMessage
{
    public const int MaxLength = 300;

    private const int MaxBodyBytes = 16 * 1024;

    public static async Task<string?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return null;
        }

        return body.Length is 0 or > MaxBodyBytes ? null : FromBody(body);
    }

    internal static string? FromBody(ReadOnlySpan<byte> body)
    {
        string? message;
        try
        {
            var reader = new Utf8JsonReader(body);
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            message = document.RootElement.ValueKind == JsonValueKind.Object
                && (document.RootElement.TryGetProperty("message", out JsonElement field) || document.RootElement.TryGetProperty("Message", out field))
                && field.ValueKind == JsonValueKind.String
                    ? field.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(message) || LooksLikeCredential(message))
        {
            return null;
        }

        var line = new StringBuilder(Math.Min(message.Length, MaxLength + 1));
        foreach (char c in message.Trim())
        {
            if (line.Length == MaxLength)
            {
                line.Append('…');
                break;
            }

            line.Append(char.IsControl(c) ? ' ' : c);
        }

        return line.ToString();
    }

    /// <summary>
    /// An access key id (AKIA/ASIA and 16 more), or a run of 40 or more base64 characters mixing upper and lower
    /// case (a secret access key is 40, a session token hundreds); ARNs, UUIDs, dates and decimal serials are not.
    /// </summary>
    internal static bool LooksLikeCredential(string text) =>
        AccessKeyId().IsMatch(text) || LongBase64().Matches(text).Any(run => run.Value.Any(char.IsAsciiLetterUpper) && run.Value.Any(char.IsAsciiLetterLower));

    [GeneratedRegex("(?<![A-Z0-9])(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}(?![A-Z0-9])")]
    private static partial Regex AccessKeyId();

    [GeneratedRegex("[A-Za-z0-9+/=]{40,}")]
    private static partial Regex LongBase64();
}
