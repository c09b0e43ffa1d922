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
internal sealed class AzureCredentialVaultValidator(IOptions<KeyVaultOptions>? keyVault = null) : IValidateOptions<AzureCredentialOptions>
{
    public ValidateOptionsResult Validate(string? name, AzureCredentialOptions options) =>
        options.Source == AzureCredentialSource.LocalCloud && Uri.TryCreate(VaultUri(), UriKind.Absolute, out Uri? vault) && !IsLoopback(vault)
            ? ValidateOptionsResult.Fail(
                $"{AzureCredentialOptions.SectionName}:Source LocalCloud is for kvrep-dev localcloud only, but {KeyVaultOptions.SectionName}:VaultUri is not a loopback address.")
            : ValidateOptionsResult.Success;

    /// <summary>The vault's address, or null when its own settings are invalid: they are reported on their own, not twice.</summary>
    private string? VaultUri()
    {
        try
        {
            return keyVault?.Value.VaultUri;
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));
}
