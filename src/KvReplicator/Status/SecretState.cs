namespace KvReplicator.Status;

/// <summary>Where one secret stands, in the words other sync tools use.</summary>
internal enum SecretState
{
    /// <summary>AWSCURRENT is the newest enabled Key Vault version, with the same value by SHA-256 and the same metadata.</summary>
    InSync,

    /// <summary>AWS is behind Key Vault and nothing says it failed: a delivery on its way, or the next sync, brings it in line.</summary>
    Pending,

    /// <summary>
    /// AWS is behind and needs a person: its event was dead-lettered, the comparison itself failed, the version id
    /// holds another value, or the name cannot be a Secrets Manager name.
    /// </summary>
    Failed,

    /// <summary>The replication filters leave it out (names, globs, the opt-in tag).</summary>
    Excluded,

    /// <summary>An AWS secret holds the name but is not this replicator's (no managed-by tag, or another source's).</summary>
    Foreign,
}
