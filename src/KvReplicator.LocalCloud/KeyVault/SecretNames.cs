using System.Text.RegularExpressions;

namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>Key Vault's rule for object names: 1-127 letters, digits and dashes, compared case-insensitively.</summary>
/// <remarks>
/// The stand-in keeps its own copy on purpose: it emulates Key Vault as a separate product and must refuse what
/// Key Vault refuses even if the replicator's rule (KvReplicator.KeyVaultNames) were ever loosened.
/// </remarks>
internal static partial class SecretNames
{
    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    public static bool IsValid(string name) => ValidName().IsMatch(name);

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
