namespace KvReplicator.DependencyInjection;

/// <summary>
/// What a host does with the replicator, which decides the stores it registers, and so the settings it demands
/// and the stores its preflight checks: a verb that writes nothing needs no ledger.
/// </summary>
internal enum KvReplicatorRole
{
    /// <summary>Replicates events and repairs drift: every store (<c>kvrep serve</c>, the Functions worker, <c>sync</c>, <c>replay</c>).</summary>
    Replicate,

    /// <summary>Compares Key Vault with AWS and writes nothing: the vault, AWS credentials and Secrets Manager (<c>verify</c>).</summary>
    Compare,

    /// <summary>Compares, and reads the ledger (what was replicated when) and the dead letters, when configured (<c>status</c>).</summary>
    Inspect,
}
