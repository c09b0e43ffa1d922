namespace KvReplicator.SecretsManager;

/// <summary>
/// Tags on every secret KvReplicator creates. <see cref="ManagedBy"/> is the ownership guard (as External
/// Secrets Operator's managed-by tag): a secret without it is someone else's and is never written.
/// </summary>
internal static class ReplicationTags
{
    public const string ManagedBy = "managed-by";
    public const string ManagedByValue = "kvreplicator";
    public const string SourceVault = "kvreplicator:source-vault";
    public const string SourceName = "kvreplicator:source-name";

    /// <summary>The source version the target secret was created (or adopted) from; later versions do not update it.</summary>
    public const string SourceVersion = "kvreplicator:source-version";
}
