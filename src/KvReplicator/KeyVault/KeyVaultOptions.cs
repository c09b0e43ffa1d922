namespace KvReplicator.KeyVault;

/// <summary>The vault the replicator reads. Bound from <c>KvReplicator:KeyVault</c>; validated by <see cref="KeyVaultOptionsValidator"/>.</summary>
internal sealed class KeyVaultOptions
{
    public const string SectionName = "KvReplicator:KeyVault";

    /// <summary>The vault's address, e.g. <c>https://contoso.vault.azure.net/</c>. Required; absolute https.</summary>
    public string? VaultUri { get; set; }

    /// <summary>
    /// The vault's name as events report it. Defaults to the first DNS label of <see cref="VaultUri"/>'s
    /// host (<c>contoso</c> above); required when the host is an IP address, as for the local stand-in.
    /// </summary>
    public string? VaultName { get; set; }

    /// <summary>
    /// Accept a challenge whose resource does not match the vault's host. False by default; only the local
    /// stand-in (on 127.0.0.1, naming vault.azure.net) needs it.
    /// </summary>
    public bool DisableChallengeResourceVerification { get; set; }

    /// <summary>
    /// SHA-256 of the one TLS server certificate to trust (64 hex digits), instead of the system's trust
    /// store. For the local stand-in's self-signed certificate only; never set it for a real vault.
    /// </summary>
    public string? TrustedServerCertificateThumbprint { get; set; }

    /// <summary>The client id of a user-assigned managed identity for <c>DefaultAzureCredential</c>, if one is used.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The vault name in effect: <see cref="VaultName"/>, or the first label of the host.</summary>
    public string EffectiveVaultName =>
        !string.IsNullOrWhiteSpace(VaultName) ? VaultName
        : Uri.TryCreate(VaultUri, UriKind.Absolute, out Uri? uri) ? uri.Host.Split('.')[0]
        : string.Empty;
}
