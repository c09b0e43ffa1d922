namespace KvReplicator;

/// <summary>Where secrets are born (Key Vault). Read-only.</summary>
internal interface ISecretSource
{
    /// <summary>The name of the vault this source reads; events from other vaults are not ours.</summary>
    string VaultName { get; }

    /// <summary>Reads one exact version. "Not found" and "disabled" are results, not exceptions.</summary>
    /// <exception cref="SecretStoreException">The store failed; <see cref="SecretStoreException.IsTransient"/> says whether to retry.</exception>
    Task<SourceReadResult> ReadVersionAsync(string secretName, string version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the secret's latest version, value included: when the event names the newest version, this one
    /// read answers both "what is its value?" and "is it the latest?". <see cref="SourceReadStatus.Disabled"/>
    /// when the latest version is disabled, <see cref="SourceReadStatus.NotFound"/> when the secret is gone.
    /// </summary>
    /// <exception cref="SecretStoreException">The store failed; <see cref="SecretStoreException.IsTransient"/> says whether to retry.</exception>
    Task<SourceReadResult> ReadLatestAsync(string secretName, CancellationToken cancellationToken = default);

    /// <summary>
    /// The version id of the newest enabled version of a secret, or null when it has none (deleted, or
    /// every version disabled). The pipeline uses it to decide whether a version may become AWSCURRENT.
    /// </summary>
    Task<string?> GetLatestEnabledVersionAsync(string secretName, CancellationToken cancellationToken = default);

    /// <summary>Every live (not deleted) secret with its latest version's properties, for a full sync. Reads no value.</summary>
    /// <exception cref="SecretStoreException">The store failed.</exception>
    IAsyncEnumerable<SourceSecretSummary> ListSecretsAsync(CancellationToken cancellationToken = default);
}
