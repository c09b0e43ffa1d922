namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>How to start a <see cref="LocalKeyVault"/>. Every property has a default that suits the tests.</summary>
public sealed class LocalKeyVaultOptions
{
    /// <summary>The vault's name as events and identifiers report it. Default <c>localvault</c>.</summary>
    public string VaultName { get; set; } = "localvault";

    /// <summary>The loopback port to listen on; 0 (the default) lets the OS pick a free one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// A JSON file to load the vault from at start and save it to on every change, or null (the default) to
    /// keep everything in memory. The file holds secret VALUES in clear text, so it is for local demos only;
    /// it is written readable by its owner alone (0600).
    /// </summary>
    public string? PersistencePath { get; set; }

    /// <summary>
    /// The bearer token requests must carry, or null (the default) to accept any bearer token; the point of
    /// the stand-in's challenge is wire compatibility with the SDK, not security.
    /// </summary>
    public string? ExpectedAccessToken { get; set; }

    /// <summary>The tenant named in the authentication challenge.</summary>
    public string TenantId { get; set; } = "00000000-0000-0000-0000-000000000000";

    /// <summary>Items per page of the list operations when the request names no <c>maxresults</c>. Key Vault uses 25.</summary>
    public int PageSize { get; set; } = 25;

    /// <summary>Days a deleted secret can be recovered before its scheduled purge. Key Vault's default is 90.</summary>
    public int SoftDeleteRetentionDays { get; set; } = 90;

    /// <summary>The clock for created, updated and deleted dates.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(VaultName) || !SecretNames.IsValid(VaultName))
        {
            throw new ArgumentException("VaultName must be 1-127 letters, digits or dashes.", nameof(VaultName));
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Port must be 0 (any free port) or a TCP port number.");
        }

        if (PageSize is < 1 or > 25)
        {
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "PageSize must be between 1 and 25, as Key Vault's maxresults.");
        }

        if (SoftDeleteRetentionDays is < 7 or > 90)
        {
            throw new ArgumentOutOfRangeException(nameof(SoftDeleteRetentionDays), SoftDeleteRetentionDays, "SoftDeleteRetentionDays must be between 7 and 90, as Key Vault allows.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentException.ThrowIfNullOrWhiteSpace(TenantId);
    }
}
