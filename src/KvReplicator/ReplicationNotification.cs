namespace KvReplicator;

/// <summary>What a consumer is told: which target secret has which new version. Never a value.</summary>
/// <param name="TargetName">The Secrets Manager secret's name.</param>
/// <param name="VersionId">The version id, which is the Key Vault version id.</param>
internal sealed record ReplicationNotification(string TargetName, string VersionId);
