namespace KvReplicator;

/// <summary>The metadata changes that bring a target secret back in line with its source; only what differs.</summary>
internal sealed record TargetMetadataUpdate
{
    public required string TargetName { get; init; }

    /// <summary>The new description, or null to leave it.</summary>
    public string? Description { get; init; }

    /// <summary>Tags to add or change.</summary>
    public IReadOnlyDictionary<string, string> SetTags { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Tag keys to remove.</summary>
    public IReadOnlyList<string> RemoveTagKeys { get; init; } = [];

    public bool IsEmpty => Description is null && SetTags.Count == 0 && RemoveTagKeys.Count == 0;
}
