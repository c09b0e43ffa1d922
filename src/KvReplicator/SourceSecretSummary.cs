namespace KvReplicator;

/// <summary>A source secret as a listing shows it: its latest version's properties, never a value.</summary>
/// <param name="Name">The name in the vault's case.</param>
/// <param name="Enabled">Whether the latest version is enabled.</param>
/// <param name="Tags">The latest version's tags.</param>
/// <param name="ContentType">The latest version's content type.</param>
/// <param name="LatestVersion">The most recently created version, enabled or not; null if the vault listed none.</param>
/// <param name="UpdatedOn">When the latest version's properties last changed.</param>
internal sealed record SourceSecretSummary(
    string Name,
    bool Enabled,
    IReadOnlyDictionary<string, string> Tags,
    string? ContentType,
    string? LatestVersion,
    DateTimeOffset? UpdatedOn);
