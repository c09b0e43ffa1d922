namespace KvReplicator;

/// <summary>
/// Names one secret's record in the ledger. Key Vault names are case-insensitive, so the record's name is
/// lower case; the vault is part of it because two vaults may hold secrets of the same name, and the target
/// because each AWS target is replicated to exactly once and in order on its own.
/// </summary>
/// <param name="TargetId">
/// The AWS target the record is about (<c>KvReplicator:Targets:&lt;n&gt;:Id</c>), or null for the single, unnamed
/// target of <c>KvReplicator:SecretsManager</c>, whose records keep the name they always had.
/// </param>
internal sealed record LedgerKey(string VaultName, string SecretName, string? TargetId = null)
{
    /// <summary>Where the unnamed target's records live: <c>secrets/&lt;vault&gt;/&lt;secret&gt;</c>.</summary>
    public const string DefaultTargetPrefix = "secrets/";

    /// <summary>Where a named target's records live: <c>targets/&lt;target&gt;/&lt;vault&gt;/&lt;secret&gt;</c>.</summary>
    public const string NamedTargetsPrefix = "targets/";

    /// <summary>
    /// The record's blob name, lower case: <c>secrets/&lt;vault&gt;/&lt;secret&gt;</c> for the unnamed target,
    /// <c>targets/&lt;target&gt;/&lt;vault&gt;/&lt;secret&gt;</c> for a named one.
    /// </summary>
    public string RecordName => TargetId is null
        ? $"{DefaultTargetPrefix}{VaultName.ToLowerInvariant()}/{SecretName.ToLowerInvariant()}"
        : $"{NamedTargetsPrefix}{TargetId.ToLowerInvariant()}/{VaultName.ToLowerInvariant()}/{SecretName.ToLowerInvariant()}";

    /// <summary>The key a record name stands for, or null when it is no record name (another blob in the container).</summary>
    public static LedgerKey? FromRecordName(string recordName)
    {
        ArgumentNullException.ThrowIfNull(recordName);
        if (recordName.StartsWith(DefaultTargetPrefix, StringComparison.Ordinal))
        {
            string[] parts = recordName[DefaultTargetPrefix.Length..].Split('/');
            return parts.Length == 2 && parts.All(part => part.Length > 0) ? new LedgerKey(parts[0], parts[1]) : null;
        }

        if (recordName.StartsWith(NamedTargetsPrefix, StringComparison.Ordinal))
        {
            string[] parts = recordName[NamedTargetsPrefix.Length..].Split('/');
            return parts.Length == 3 && parts.All(part => part.Length > 0) ? new LedgerKey(parts[1], parts[2], parts[0]) : null;
        }

        return null;
    }

    public override string ToString() => TargetId is null ? $"{VaultName}/{SecretName}" : $"{TargetId}:{VaultName}/{SecretName}";
}
