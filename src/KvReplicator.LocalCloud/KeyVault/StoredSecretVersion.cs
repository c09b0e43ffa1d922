namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>One immutable version of a secret as the stand-in keeps it; changes replace the record.</summary>
internal sealed record StoredSecretVersion
{
    public required string Version { get; init; }

    public required string Value { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public bool Enabled { get; init; } = true;

    public DateTimeOffset? NotBefore { get; init; }

    public DateTimeOffset? ExpiresOn { get; init; }

    public required DateTimeOffset CreatedOn { get; init; }

    public required DateTimeOffset UpdatedOn { get; init; }

    // A record prints every property; this one holds a value, so it prints its version only.
    public override string ToString() => $"{nameof(StoredSecretVersion)} {Version}";
}
