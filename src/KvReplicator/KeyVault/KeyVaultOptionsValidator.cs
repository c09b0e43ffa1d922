using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace KvReplicator.KeyVault;

/// <summary>Checks <see cref="KeyVaultOptions"/> at start, naming the configuration key that is wrong.</summary>
internal sealed partial class KeyVaultOptionsValidator : IValidateOptions<KeyVaultOptions>
{
    private const string Section = KeyVaultOptions.SectionName;

    /// <summary>Key Vault's DNS zones in Azure's public, China and US Government clouds.</summary>
    private static readonly string[] s_vaultDnsSuffixes = [".vault.azure.net", ".vault.azure.cn", ".vault.usgovcloudapi.net"];

    public ValidateOptionsResult Validate(string? name, KeyVaultOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.VaultUri, UriKind.Absolute, out Uri? vaultUri) || vaultUri.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"{Section}:VaultUri must be an absolute https URI of the vault, e.g. https://contoso.vault.azure.net/.");
        }
        else if (string.IsNullOrWhiteSpace(options.VaultName) && vaultUri.HostNameType is not UriHostNameType.Dns)
        {
            failures.Add($"{Section}:VaultName is required when VaultUri's host is not a DNS name (it is '{vaultUri.Host}').");
        }

        // The rule events are held to: a longer name would pass here and then refuse every event of the vault.
        if (!string.IsNullOrWhiteSpace(options.VaultName) && !KeyVaultNames.VaultName().IsMatch(options.VaultName))
        {
            failures.Add($"{Section}:VaultName must be 3-24 letters, digits or dashes.");
        }
        else if (!string.IsNullOrWhiteSpace(options.VaultName) && vaultUri is not null && AzureVaultName(vaultUri) is { } hostName
            && !string.Equals(hostName, options.VaultName, StringComparison.OrdinalIgnoreCase))
        {
            // Events name the vault as its host does: every one would be rejected as another vault's.
            failures.Add($"{Section}:VaultName '{options.VaultName}' is not the vault at VaultUri ('{hostName}'); unset VaultName or correct it.");
        }

        if (options.TrustedServerCertificateThumbprint is { } thumbprint && !Sha256HexPattern().IsMatch(thumbprint))
        {
            failures.Add($"{Section}:TrustedServerCertificateThumbprint must be the certificate's SHA-256 as 64 hex digits.");
        }

        if (options.ManagedIdentityClientId is { } clientId && !Guid.TryParse(clientId, CultureInfo.InvariantCulture, out _))
        {
            failures.Add($"{Section}:ManagedIdentityClientId must be the identity's client id (a GUID).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The vault's name when <paramref name="vaultUri"/> is a vault of one of Azure's clouds, whose first label is the name.</summary>
    private static string? AzureVaultName(Uri vaultUri) =>
        vaultUri.HostNameType == UriHostNameType.Dns && s_vaultDnsSuffixes.Any(suffix => vaultUri.Host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            ? vaultUri.Host.Split('.')[0]
            : null;

    [GeneratedRegex("^[0-9a-fA-F]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256HexPattern();
}
