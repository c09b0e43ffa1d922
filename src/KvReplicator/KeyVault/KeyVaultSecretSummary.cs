namespace KvReplicator.KeyVault;

/// <summary>A secret as a listing shows it: its latest version's properties, never a value.</summary>
/// <param name="Name">The name in the vault's case.</param>
/// <param name="Enabled">Whether the latest version is enabled.</param>
/// <param name="LatestVersion">The most recently created version, enabled or not; null if the vault listed none.</param>
public sealed record KeyVaultSecretSummary(
    string Name,
    bool Enabled,
    IReadOnlyDictionary<string, string> Tags,
    string? ContentType,
    string? LatestVersion,
    DateTimeOffset? UpdatedOn);
