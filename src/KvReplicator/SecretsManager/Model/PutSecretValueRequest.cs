namespace KvReplicator.SecretsManager.Model;

internal sealed class PutSecretValueRequest
{
    public required string SecretId { get; init; }

    /// <summary>The new version's id: the same token with the same value is a no-op, with another value a conflict.</summary>
    public required string ClientRequestToken { get; init; }

    public KvReplicator.SecretValue? SecretString { get; init; }

    /// <summary>A binary value, base64-encoded as the JSON protocol carries blobs; set instead of <see cref="SecretString"/>.</summary>
    public KvReplicator.SecretValue? SecretBinary { get; init; }

    /// <summary>Null lets Secrets Manager attach AWSCURRENT.</summary>
    public IReadOnlyList<string>? VersionStages { get; init; }
}
