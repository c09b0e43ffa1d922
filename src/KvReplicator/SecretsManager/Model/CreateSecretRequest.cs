namespace KvReplicator.SecretsManager.Model;

internal sealed class CreateSecretRequest
{
    public required string Name { get; init; }

    /// <summary>The first version's id; with no <see cref="SecretString"/> no version is created.</summary>
    public string? ClientRequestToken { get; init; }

    public KvReplicator.SecretValue? SecretString { get; init; }

    public string? Description { get; init; }

    public string? KmsKeyId { get; init; }

    public IReadOnlyList<Tag>? Tags { get; init; }

    public IReadOnlyList<ReplicaRegionType>? AddReplicaRegions { get; init; }
}
