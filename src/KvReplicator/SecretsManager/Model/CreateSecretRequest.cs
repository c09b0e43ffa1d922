namespace KvReplicator.SecretsManager.Model;

internal sealed class CreateSecretRequest
{
    public required string Name { get; init; }

    /// <summary>The first version's id; with no <see cref="SecretString"/> no version is created.</summary>
    public string? ClientRequestToken { get; init; }

    public KvReplicator.SecretValue? SecretString { get; init; }

    /// <summary>A binary value, base64-encoded as the JSON protocol carries blobs; set instead of <see cref="SecretString"/>.</summary>
    public KvReplicator.SecretValue? SecretBinary { get; init; }

    public string? Description { get; init; }

    public string? KmsKeyId { get; init; }

    public IReadOnlyList<Tag>? Tags { get; init; }

    public IReadOnlyList<ReplicaRegionType>? AddReplicaRegions { get; init; }
}
