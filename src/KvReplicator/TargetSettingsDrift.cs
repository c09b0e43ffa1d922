namespace KvReplicator;

/// <summary>
/// How an existing target secret's settings that the target otherwise applies only when it creates or adopts a
/// secret (resource policy, KMS key, replica regions) differ from the target's configuration. Only what differs;
/// a setting the target leaves unconfigured is never compared. Names and key ids only, never a value.
/// </summary>
internal sealed record TargetSettingsDrift
{
    public required string TargetName { get; init; }

    /// <summary>The secret's resource policy is not the configured one (compared as JSON, not as text), or it has none.</summary>
    public bool ResourcePolicyDiffers { get; init; }

    /// <summary>The configured KMS key, when the secret is encrypted with another; null when they agree or none is configured.</summary>
    public string? KmsKeyId { get; init; }

    /// <summary>The KMS key the secret is encrypted with now (null: aws/secretsmanager), for the report.</summary>
    public string? CurrentKmsKeyId { get; init; }

    /// <summary>Configured replica regions the secret is not replicated to: added in place.</summary>
    public IReadOnlyList<string> MissingReplicaRegions { get; init; } = [];

    /// <summary>
    /// Configured replicas that differ in a way no call changes in place (another KMS key, a replication that
    /// failed), in words: reported for a person, never repaired by removing the replica.
    /// </summary>
    public IReadOnlyList<string> ReplicaFindings { get; init; } = [];

    public bool IsEmpty => !ResourcePolicyDiffers && KmsKeyId is null && MissingReplicaRegions.Count == 0 && ReplicaFindings.Count == 0;

    /// <summary>Nothing differs (or nothing is configured to compare).</summary>
    public static TargetSettingsDrift None(string targetName) => new() { TargetName = targetName };
}
