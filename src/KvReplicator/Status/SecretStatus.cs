using KvReplicator.Reconciliation;

namespace KvReplicator.Status;

/// <summary>One secret in <c>kvrep status</c>: version ids, 8-digit SHA-256 prefixes and times, never a value.</summary>
internal sealed record SecretStatus
{
    /// <summary>The Key Vault name; null for an AWS copy whose source is unknown.</summary>
    /// <summary>The vault, when the deployment has several vaults or AWS targets; null for a single route.</summary>
    public string? Vault { get; init; }

    /// <summary>The AWS target's id (<c>default</c> for the unnamed one), when the deployment has several vaults or targets; null for a single route.</summary>
    public string? Target { get; init; }

    public string? Name { get; init; }

    /// <summary>The Secrets Manager name; null for an excluded secret, which has none.</summary>
    public string? TargetName { get; init; }

    public required SecretState State { get; init; }

    /// <summary>How the reconciler compared it (null for an excluded secret, which it does not compare).</summary>
    public DriftKind? Drift { get; init; }

    /// <summary>The newest enabled Key Vault version.</summary>
    public string? KeyVaultVersion { get; init; }

    /// <summary>The version id holding AWSCURRENT.</summary>
    public string? AwsVersion { get; init; }

    public string? KeyVaultSha256Prefix { get; init; }

    public string? AwsSha256Prefix { get; init; }

    /// <summary>The version the ledger last recorded as replicated (made AWSCURRENT).</summary>
    public string? ReplicatedVersion { get; init; }

    /// <summary>When the ledger recorded <see cref="ReplicatedVersion"/> as written.</summary>
    public DateTimeOffset? ReplicatedOn { get; init; }

    /// <summary>Why the secret is in this state, in words.</summary>
    public string? Detail { get; init; }
}
