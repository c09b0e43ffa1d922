using System.Net;
using KvReplicator.AzureIdentity;
using KvReplicator.KeyVault;
using Microsoft.Extensions.Options;

namespace KvReplicator.DependencyInjection;

/// <summary>
/// The local cloud's token is worthless elsewhere, but sending a fixed token to a real vault is a mistake worth
/// stopping: <see cref="AzureCredentialSource.LocalCloud"/> is refused unless the vault is on loopback. Checked here,
/// where both settings are known, beside <see cref="AzureCredentialOptionsValidator"/>'s own checks.
/// </summary>
internal sealed class AzureCredentialVaultValidator(IOptions<KeyVaultOptions>? keyVault = null, IOptions<ReplicationRoutesOptions>? routes = null)
    : IValidateOptions<AzureCredentialOptions>
{
    public ValidateOptionsResult Validate(string? name, AzureCredentialOptions options)
    {
        if (options.Source != AzureCredentialSource.LocalCloud)
        {
            return ValidateOptionsResult.Success;
        }

        foreach ((string key, string? uri) in VaultUris())
        {
            if (Uri.TryCreate(uri, UriKind.Absolute, out Uri? vault) && !IsLoopback(vault))
            {
                return ValidateOptionsResult.Fail(
                    $"{AzureCredentialOptions.SectionName}:Source LocalCloud is for kvrep-dev localcloud only, but {key} is not a loopback address.");
            }
        }

        return ValidateOptionsResult.Success;
    }

    /// <summary>
    /// Every vault's address with its key: the single vault's and each listed one's. A section whose own settings
    /// are invalid gives none: those are reported on their own, not twice.
    /// </summary>
    private IEnumerable<(string Key, string? Uri)> VaultUris()
    {
        var uris = new List<(string, string?)>();
        try
        {
            uris.Add(($"{KeyVaultOptions.SectionName}:VaultUri", keyVault?.Value.VaultUri));
        }
        catch (OptionsValidationException)
        {
            // Reported by the vault's own validation.
        }

        try
        {
            IList<VaultRouteOptions> listed = routes?.Value.Vaults ?? [];
            uris.AddRange(listed.Select((vault, i) => ($"KvReplicator:Vaults:{i}:KeyVault:VaultUri", vault?.KeyVault.VaultUri)));
        }
        catch (OptionsValidationException)
        {
            // Reported by the lists' own validation.
        }

        return uris;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));
}
