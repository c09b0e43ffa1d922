namespace KvReplicator;

/// <summary>
/// Identifies one version of one Key Vault secret, as announced by an event.
/// </summary>
/// <param name="VaultName">The vault's name (the first label of its host name).</param>
/// <param name="SecretName">The secret's name as the event spells it. Key Vault names are case-insensitive.</param>
/// <param name="Version">The 32-hex-digit version id, lower case.</param>
internal sealed record SecretVersionRef(string VaultName, string SecretName, string Version)
{
    public override string ToString() => $"{VaultName}/{SecretName}/{Version}";
}
