namespace KvReplicator;

/// <summary>What the pipeline should do with one parsed event.</summary>
internal enum KeyVaultEventKind
{
    /// <summary>A new secret version to replicate.</summary>
    NewSecretVersion,

    /// <summary>A well-formed event that is not ours to act on (another type, another object kind).</summary>
    Ignored,

    /// <summary>An event that cannot be understood; retrying it cannot help.</summary>
    Malformed,
}
