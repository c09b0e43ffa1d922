using System.Text.RegularExpressions;

namespace KvReplicator;

/// <summary>
/// Key Vault's rules for the names and ids the replicator takes from outside (events, configuration): the
/// one definition in the product. The patterns are constants so that data-annotation attributes can use them.
/// </summary>
internal static partial class KeyVaultNames
{
    /// <summary>A secret's name: 1-127 letters, digits and dashes.</summary>
    public const string SecretNamePattern = "^[0-9A-Za-z-]{1,127}$";

    /// <summary>
    /// A vault's name: 3-24 letters, digits and dashes. Key Vault also wants a letter first and no double dash;
    /// names reach us from Key Vault itself or from an operator, so this only keeps junk and paths out.
    /// </summary>
    public const string VaultNamePattern = "^[0-9A-Za-z-]{3,24}$";

    /// <summary>A secret version's id: 32 hex digits, in either case as events spell it.</summary>
    public const string VersionPattern = "^[0-9A-Fa-f]{32}$";

    [GeneratedRegex(SecretNamePattern)]
    public static partial Regex SecretName();

    [GeneratedRegex(VaultNamePattern)]
    public static partial Regex VaultName();

    [GeneratedRegex(VersionPattern)]
    public static partial Regex Version();
}
