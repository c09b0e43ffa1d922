using System.Text;
using System.Text.RegularExpressions;

namespace KvReplicator.Credentials;

/// <summary>
/// Turns a child process's standard error into something safe to put in an exception message: PEM
/// blocks and long base64 runs (key bodies, secret access keys) removed, control characters flattened,
/// and the length capped. aws_signing_helper does not echo key material, but a message that is logged
/// must not depend on that.
/// </summary>
internal static partial class StandardErrorExcerpt
{
    public const int MaxLength = 300;

    public static string From(string? standardError)
    {
        if (string.IsNullOrWhiteSpace(standardError))
        {
            return "no standard error output";
        }

        string text = PemBlock().Replace(standardError, "[PEM removed]");
        text = LongBase64Run().Replace(text, "[removed]");
        var flattened = new StringBuilder(Math.Min(text.Length, MaxLength + 1));
        bool lastWasSpace = false;
        foreach (char c in text)
        {
            bool isSpace = char.IsWhiteSpace(c) || char.IsControl(c);
            if (isSpace && (lastWasSpace || flattened.Length == 0))
            {
                continue;
            }

            flattened.Append(isSpace ? ' ' : c);
            lastWasSpace = isSpace;
            if (flattened.Length > MaxLength)
            {
                break;
            }
        }

        string result = flattened.ToString().TrimEnd();
        return result.Length > MaxLength ? string.Concat(result.AsSpan(0, MaxLength), "…") : result;
    }

    // An unterminated block is removed to the end: a truncated key is still a key.
    [GeneratedRegex("-----BEGIN[^\n]*?-----.*?(-----END[^\n]*?-----|$)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex PemBlock();

    [GeneratedRegex("[A-Za-z0-9+/=]{32,}", RegexOptions.CultureInvariant)]
    private static partial Regex LongBase64Run();
}
