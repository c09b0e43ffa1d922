namespace KvReplicator.SecretsManager.Model;

internal sealed class ReplicateSecretToRegionsRequest
{
    public required string SecretId { get; init; }

    public required IReadOnlyList<ReplicaRegionType> AddReplicaRegions { get; init; }
}
