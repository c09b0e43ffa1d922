namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>
/// What the local Key Vault tells its listeners (the local Event Grid) when a secret version is created:
/// the facts a real <c>Microsoft.KeyVault.SecretNewVersionCreated</c> event carries.
/// </summary>
public sealed record SecretVersionCreated(
    string VaultName,
    Uri VaultUri,
    string SecretName,
    string Version,
    DateTimeOffset CreatedOn,
    DateTimeOffset? NotBefore,
    DateTimeOffset? ExpiresOn)
{
    /// <summary>The version's identifier URI, e.g. <c>https://vault/secrets/name/version</c>.</summary>
    public Uri Id => new(VaultUri, $"secrets/{SecretName}/{Version}");
}
