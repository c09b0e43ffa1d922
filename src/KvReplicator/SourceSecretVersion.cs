namespace KvReplicator;

/// <summary>One version of a secret as read from the source.</summary>
internal sealed record SourceSecretVersion
{
    /// <summary>The vault's name.</summary>
    public required string VaultName { get; init; }

    /// <summary>The secret's name as the source stores it (canonical case).</summary>
    public required string Name { get; init; }

    /// <summary>The 32-hex-digit version id, lower case.</summary>
    public required string Version { get; init; }

    public required SecretValue Value { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public DateTimeOffset? CreatedOn { get; init; }

    public DateTimeOffset? ExpiresOn { get; init; }
}
