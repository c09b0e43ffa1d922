using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace KvReplicator.SecretsManager;

/// <summary>
/// The second line of defence of a call that sends a value: every text derived from that call's failure (the
/// error type, the request id, an inner exception's message) passes through <see cref="Apply(string?)"/>, which
/// replaces the value wherever it appears, as sent or as a JSON body quotes it (a hop that echoes the request
/// quotes the escaped form: System.Text.Json's, or the ASCII-only form Python and most proxies write).
/// </summary>
internal sealed class SentValueRedaction
{
    public const string Placeholder = "[redacted]";

    private readonly string[] _forms;

    private SentValueRedaction(string[] forms) => _forms = forms;

    /// <summary>For calls that send no value: leaves every text as it is.</summary>
    public static SentValueRedaction None { get; } = new([]);

    public static SentValueRedaction For(SecretValue? value)
    {
        if (value is null || value.Utf8Length == 0)
        {
            return None;
        }

        string plain = value.Reveal();
        string[] forms = new[]
            {
                plain,
                JsonEncodedText.Encode(plain).Value,
                JsonEncodedText.Encode(plain, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value,
                AsciiJsonEscaped(plain, "x4"),
                AsciiJsonEscaped(plain, "X4"),
            }
            .Distinct(StringComparer.Ordinal)

            // Longest first, so that a form containing another is replaced whole.
            .OrderByDescending(form => form.Length)
            .ToArray();
        return new SentValueRedaction(forms);
    }

    public bool IsEmpty => _forms.Length == 0;

    public string? Apply(string? text)
    {
        if (text is null || _forms.Length == 0)
        {
            return text;
        }

        foreach (string form in _forms)
        {
            text = text.Replace(form, Placeholder, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>
    /// An inner exception's text may quote what went over the wire (a handler that reports the request, a parser
    /// that quotes the body), so the exception is replaced by one that keeps its type name and its redacted
    /// message, and drops everything else, the original object included.
    /// </summary>
    public Exception? Apply(Exception? exception) =>
        exception is null || _forms.Length == 0
            ? exception
            : new RedactedFailureException(exception.GetType().FullName ?? exception.GetType().Name, Apply(exception.Message) ?? string.Empty, Apply(exception.InnerException));

    /// <summary>JSON with every non-ASCII character as <c>\uXXXX</c>, in lower- or upper-case hex.</summary>
    private static string AsciiJsonEscaped(string value, string hexFormat)
    {
        var escaped = new StringBuilder(value.Length + 16);
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': escaped.Append("\\\""); break;
                case '\\': escaped.Append("\\\\"); break;
                case '\n': escaped.Append("\\n"); break;
                case '\r': escaped.Append("\\r"); break;
                case '\t': escaped.Append("\\t"); break;
                case '\b': escaped.Append("\\b"); break;
                case '\f': escaped.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7E)
                    {
                        escaped.Append("\\u").Append(((int)c).ToString(hexFormat, CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        escaped.Append(c);
                    }

                    break;
            }
        }

        return escaped.ToString();
    }
}
