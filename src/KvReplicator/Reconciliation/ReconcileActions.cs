namespace KvReplicator.Reconciliation;

/// <summary>What sync does (or, in a dry run, would do) to one secret.</summary>
[Flags]
internal enum ReconcileActions
{
    None = 0,

    /// <summary>Write the newest enabled version (creating the secret if needed) as AWSCURRENT.</summary>
    Write = 1,

    /// <summary>Move AWSCURRENT to the newest enabled version, which AWS already holds.</summary>
    Promote = 2,

    /// <summary>Restore a secret scheduled for deletion (the write does it), then converge.</summary>
    Restore = 4,

    /// <summary>Re-apply tags and description.</summary>
    UpdateMetadata = 8,

    /// <summary>Delete per the deletion policy.</summary>
    Delete = 16,

    /// <summary>Put the target's resource policy (PutResourcePolicy, with its BlockPublicPolicy).</summary>
    PutResourcePolicy = 32,

    /// <summary>Encrypt the secret with the target's KMS key (UpdateSecret with KmsKeyId).</summary>
    UpdateKmsKey = 64,

    /// <summary>Replicate the secret to the target's replica regions it lacks (ReplicateSecretToRegions).</summary>
    AddReplicaRegions = 128,
}
