namespace KvReplicator.Reconciliation;

/// <summary>How a secret's AWS copy compares with its Key Vault source.</summary>
internal enum DriftKind
{
    /// <summary>AWSCURRENT is the newest enabled Key Vault version and the metadata matches.</summary>
    InSync,

    /// <summary>No AWS copy, or one scheduled for deletion.</summary>
    Missing,

    /// <summary>AWSCURRENT is not the newest enabled Key Vault version.</summary>
    Stale,

    /// <summary>The version is right; the tags or the description are not.</summary>
    MetadataDrift,

    /// <summary>An AWS copy of ours whose Key Vault secret is gone.</summary>
    Extra,

    /// <summary>An AWS secret with the target name that is not ours (no ownership tag, or another source's).</summary>
    Conflict,

    /// <summary>
    /// AWS holds the newest enabled Key Vault version's id with another value (SHA-256): something other than
    /// KvReplicator wrote it with that id as its ClientRequestToken. A version cannot be overwritten, so nothing
    /// is changed and a person decides (see docs/reconcile.md).
    /// </summary>
    ValueConflict,

    /// <summary>Every Key Vault version is disabled: nothing may be replicated, and AWS is left as it is.</summary>
    Disabled,

    /// <summary>The secret's resource policy is not the target's <c>ResourcePolicy</c> (compared as JSON), or it has none.</summary>
    ResourcePolicyDrift,

    /// <summary>The secret is encrypted with another KMS key than the target's <c>KmsKeyId</c>.</summary>
    KmsKeyDrift,

    /// <summary>
    /// A region of the target's <c>ReplicaRegions</c> is missing from the secret's replication (added by sync), or
    /// its replica failed or uses another key than <c>ReplicaKmsKeyIds</c> says (reported: no call changes it in place).
    /// </summary>
    ReplicaDrift,
}
