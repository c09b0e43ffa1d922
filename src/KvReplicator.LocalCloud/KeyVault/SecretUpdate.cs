namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>A PATCH of a version's properties: null members were absent from the request and stay as they are.</summary>
internal sealed record SecretUpdate
{
    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public bool? Enabled { get; init; }

    /// <summary>Present when the request set <c>nbf</c>; its value may be null to clear it.</summary>
    public Optional<DateTimeOffset?> NotBefore { get; init; }

    public Optional<DateTimeOffset?> ExpiresOn { get; init; }
}
