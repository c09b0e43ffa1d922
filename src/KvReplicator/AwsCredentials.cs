namespace KvReplicator;

/// <summary>
/// AWS credentials as an <see cref="ICredentialSource"/> hands them to the AWS adapters: an access key, its secret
/// and, for temporary credentials, a session token. Ours rather than the SDK's <c>ImmutableCredentials</c> so
/// that the port carries no SDK type; each adapter turns it into what its SDK signs with. It never prints a key.
/// </summary>
internal sealed class AwsCredentials : IEquatable<AwsCredentials>
{
    public AwsCredentials(string accessKey, string secretKey, string? token = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        ArgumentException.ThrowIfNullOrEmpty(secretKey);
        AccessKey = accessKey;
        SecretKey = secretKey;
        Token = token ?? string.Empty;
    }

    public string AccessKey { get; }

    public string SecretKey { get; }

    /// <summary>The session token of temporary credentials; empty for a long-lived key.</summary>
    public string Token { get; }

    /// <summary>True for temporary credentials (with a session token).</summary>
    public bool UseToken => Token.Length > 0;

    public override string ToString() => UseToken ? "temporary AWS credentials" : "AWS credentials";

    public bool Equals(AwsCredentials? other) =>
        other is not null
        && string.Equals(AccessKey, other.AccessKey, StringComparison.Ordinal)
        && string.Equals(SecretKey, other.SecretKey, StringComparison.Ordinal)
        && string.Equals(Token, other.Token, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is AwsCredentials other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(AccessKey, SecretKey, Token);
}
