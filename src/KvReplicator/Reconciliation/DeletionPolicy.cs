namespace KvReplicator.Reconciliation;

/// <summary>What sync does to a replicated secret whose Key Vault secret is gone.</summary>
internal enum DeletionPolicy
{
    /// <summary>Keep it in AWS and report it as extra (the default: nothing is lost by a mistaken delete in Key Vault).</summary>
    Retain,

    /// <summary>Delete it in AWS, with the configured recovery window or at once.</summary>
    Delete,
}
