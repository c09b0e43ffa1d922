namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>The body of a set-secret request.</summary>
internal sealed record NewSecretVersion
{
    public required string Value { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public bool Enabled { get; init; } = true;

    public DateTimeOffset? NotBefore { get; init; }

    public DateTimeOffset? ExpiresOn { get; init; }

    public override string ToString() => nameof(NewSecretVersion);
}
