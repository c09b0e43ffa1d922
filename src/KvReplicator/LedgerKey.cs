namespace KvReplicator;

/// <summary>
/// Names one secret's record in the ledger. Key Vault names are case-insensitive, so the record's name is
/// lower case; the vault is part of it because two vaults may hold secrets of the same name.
/// </summary>
internal sealed record LedgerKey(string VaultName, string SecretName)
{
    /// <summary>The record's blob name: <c>secrets/&lt;vault&gt;/&lt;secret&gt;</c>, lower case.</summary>
    public string RecordName => $"secrets/{VaultName.ToLowerInvariant()}/{SecretName.ToLowerInvariant()}";

    public override string ToString() => $"{VaultName}/{SecretName}";
}
