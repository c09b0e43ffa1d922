using System.Text;
using KvReplicator.Replication;

namespace KvReplicator.TestPlan.Values;

/// <summary>
/// Random secret values of random UTF-8 lengths between 1 byte and Key Vault's 25 KB limit, in the formats
/// of <see cref="SecretValueFormat"/>. Lengths are drawn log-uniformly so tiny, typical and maximal values
/// all turn up in a run of twenty.
/// </summary>
public sealed class SecretValueGenerator
{
    /// <summary>Key Vault refuses secret values above 25 KB.</summary>
    public const int MaxLength = 25 * 1024;

    private const string PemHeader = "-----BEGIN PRIVATE KEY-----\n";
    private const string PemFooter = "-----END PRIVATE KEY-----\n";
    private const string TextAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?-_=+/()[]{}<>@#$%^&*'\"\\|~`";
    private const string Base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    // Two-, three- and four-byte UTF-8 sequences, combining marks and a right-to-left script.
    private static readonly string[] s_unicodePieces = ["é", "ß", "Ж", "λ", "ع", "ש", "日本", "語", "한", "€", "✓", "🔑", "🦀", "e\u0301", "ﬁ", " "];

    private readonly Random _random;

    public SecretValueGenerator(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
    }

    /// <summary>The smallest value a format can be; shorter requests are raised to it.</summary>
    public static int MinimumLength(SecretValueFormat format) => format switch
    {
        SecretValueFormat.Pem => Encoding.UTF8.GetByteCount(PemHeader + PemFooter) + 1,
        SecretValueFormat.Unicode => 4,
        _ => 1,
    };

    /// <summary>A value of random format and random length.</summary>
    internal GeneratedValue Next()
    {
        var format = (SecretValueFormat)_random.Next(Enum.GetValues<SecretValueFormat>().Length);
        return Next(format, NextLength());
    }

    /// <summary>A value of <paramref name="format"/> whose UTF-8 length is exactly <paramref name="length"/> (or the format's minimum).</summary>
    internal GeneratedValue Next(SecretValueFormat format, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxLength);
        length = Math.Max(length, MinimumLength(format));
        string value = format switch
        {
            SecretValueFormat.Text => Text(length),
            SecretValueFormat.Json => Json(length),
            SecretValueFormat.Pem => Pem(length),
            SecretValueFormat.Unicode => Unicode(length),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown format."),
        };
        return new GeneratedValue(format, new SecretValue(value));
    }

    /// <summary>1..<see cref="MaxLength"/>, log-uniform.</summary>
    public int NextLength() => (int)Math.Clamp(Math.Round(Math.Exp(_random.NextDouble() * Math.Log(MaxLength))), 1, MaxLength);

    private string Text(int length) => Pick(TextAlphabet, length);

    private string Json(int length)
    {
        if (length < 16)
        {
            // A bare number is a complete JSON document and fits any small length.
            return _random.Next(1, 10).ToString(System.Globalization.CultureInfo.InvariantCulture) + Pick("0123456789", length - 1);
        }

        // {"user":"…","password":"…"} with the password padded so the document is exactly `length` bytes.
        const string Prefix = "{\"user\":\"svc\",\"password\":\"";
        const string Suffix = "\"}";
        int padding = length - Prefix.Length - Suffix.Length;
        return padding < 0
            ? "{\"k\":\"" + Pick(Base64Alphabet, length - 8) + "\"}"
            : Prefix + Pick(Base64Alphabet, padding) + Suffix;
    }

    private string Pem(int length)
    {
        int body = length - PemHeader.Length - PemFooter.Length;
        var builder = new StringBuilder(length).Append(PemHeader);
        int written = 0;
        while (written < body)
        {
            // 64 base64 characters per line, the last line shorter, every line ending in a newline.
            int line = Math.Min(64, body - written - 1);
            if (line <= 0)
            {
                builder.Append('\n');
                written++;
                continue;
            }

            builder.Append(Pick(Base64Alphabet, line)).Append('\n');
            written += line + 1;
        }

        return builder.Append(PemFooter).ToString();
    }

    private string Unicode(int length)
    {
        var builder = new StringBuilder();
        int bytes = 0;
        // Always start with a multi-byte character, so even a short value is not plain ASCII.
        string first;
        do
        {
            first = s_unicodePieces[_random.Next(s_unicodePieces.Length - 1)];
        }
        while (Encoding.UTF8.GetByteCount(first) > length);

        builder.Append(first);
        bytes += Encoding.UTF8.GetByteCount(first);
        while (true)
        {
            string piece = s_unicodePieces[_random.Next(s_unicodePieces.Length)];
            int size = Encoding.UTF8.GetByteCount(piece);
            if (bytes + size > length)
            {
                break;
            }

            builder.Append(piece);
            bytes += size;
        }

        return builder.Append(Pick(TextAlphabet, length - bytes)).ToString();
    }

    private string Pick(string alphabet, int count)
    {
        if (count <= 0)
        {
            return string.Empty;
        }

        var chars = new char[count];
        for (int i = 0; i < count; i++)
        {
            chars[i] = alphabet[_random.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
