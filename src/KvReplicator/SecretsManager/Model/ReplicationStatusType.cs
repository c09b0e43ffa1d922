namespace KvReplicator.SecretsManager.Model;

/// <summary>One replica region of a secret as DescribeSecret reports it.</summary>
internal sealed class ReplicationStatusType
{
    public string? Region { get; init; }

    public string? KmsKeyId { get; init; }

    public string? Status { get; init; }
}
