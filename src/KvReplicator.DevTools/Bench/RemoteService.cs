namespace KvReplicator.DevTools.Bench;

/// <summary>The remote services a replicated version costs calls to.</summary>
internal enum RemoteService
{
    /// <summary>Key Vault REST calls (reads, including the 401 challenge of a fresh client).</summary>
    KeyVault,

    /// <summary>Blob Storage calls of the ledger.</summary>
    Blob,

    /// <summary>Secrets Manager calls, by <c>X-Amz-Target</c> operation.</summary>
    SecretsManager,

    /// <summary>Access tokens the Key Vault client asked its credential for (cached tokens are not asked again).</summary>
    KeyVaultToken,
}
