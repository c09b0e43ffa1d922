namespace KvReplicator.SecretsManager.Model;

/// <summary>One replica region of a secret as DescribeSecret reports it.</summary>
internal sealed class ReplicationStatusType
{
    public string? Region { get; init; }

    public string? KmsKeyId { get; init; }

    /// <summary>InSync, InProgress or Failed.</summary>
    public string? Status { get; init; }

    /// <summary>Why a replica failed, e.g. a secret of that name exists in the region already.</summary>
    public string? StatusMessage { get; init; }
}
