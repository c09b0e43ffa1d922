using System.Security.Cryptography;
using System.Text;

namespace KvReplicator;

/// <summary>
/// A secret's value in memory. It renders as a placeholder so that no log template, exception message
/// or debugger display can print it by accident; <see cref="Reveal"/> is the single way to read it.
/// </summary>
internal sealed class SecretValue : IEquatable<SecretValue>
{
    private const string Redacted = "[redacted]";
    private readonly string _value;

    public SecretValue(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>The plain value, for the one place that must send it to a store.</summary>
    public string Reveal() => _value;

    /// <summary>Size in UTF-8 bytes, which is what both services count against their limits.</summary>
    public int Utf8Length => Encoding.UTF8.GetByteCount(_value);

    /// <summary>SHA-256 of the UTF-8 bytes, lower-case hex; safe to compare, never to shorten into a log without care.</summary>
    public string Sha256Hex() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_value)));

    public override string ToString() => Redacted;

    public bool Equals(SecretValue? other) => other is not null && string.Equals(_value, other._value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is SecretValue other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_value);
}
