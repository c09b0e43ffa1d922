namespace KvReplicator.SecretsManager.Model;

/// <summary>A region to replicate a new secret to, with its own KMS key when not the default one.</summary>
internal sealed class ReplicaRegionType
{
    public required string Region { get; init; }

    public string? KmsKeyId { get; init; }
}
