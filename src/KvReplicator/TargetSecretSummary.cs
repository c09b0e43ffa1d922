namespace KvReplicator;

/// <summary>A target secret as a listing shows it: names, ownership, version ids and stages, never a value.</summary>
internal sealed record TargetSecretSummary
{
    public required string Name { get; init; }

    /// <summary>True when the secret carries the ownership tag (<c>managed-by=kvreplicator</c>).</summary>
    public required bool IsOwned { get; init; }

    /// <summary>The source vault recorded on the secret, when it is ours.</summary>
    public string? SourceVault { get; init; }

    /// <summary>The source secret name recorded on the secret, when it is ours.</summary>
    public string? SourceName { get; init; }

    /// <summary>The version id that holds the current stage (AWSCURRENT), which is the source version id it was written from.</summary>
    public string? CurrentVersionId { get; init; }

    /// <summary>The version id that holds AWSPREVIOUS, if any.</summary>
    public string? PreviousVersionId { get; init; }

    /// <summary>Every version id the target holds with at least one stage.</summary>
    public IReadOnlySet<string> VersionIds { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>True while the secret is scheduled for deletion (recoverable).</summary>
    public bool ScheduledForDeletion { get; init; }

    public string? Description { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// True unless the source the secret records is another vault or secret than the one named (compared as Key
    /// Vault compares names; a source it does not record is no contradiction): the rule a write checks too.
    /// </summary>
    public bool IsFrom(string vaultName, string sourceName) =>
        (SourceVault is null || string.Equals(SourceVault, vaultName, StringComparison.OrdinalIgnoreCase))
        && (SourceName is null || string.Equals(SourceName, sourceName, StringComparison.OrdinalIgnoreCase));
}
