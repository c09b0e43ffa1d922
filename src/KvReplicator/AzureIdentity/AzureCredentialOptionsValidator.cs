using System.Globalization;
using System.Net;
using KvReplicator.KeyVault;
using Microsoft.Extensions.Options;

namespace KvReplicator.AzureIdentity;

/// <summary>Checks <see cref="AzureCredentialOptions"/> at start, naming the setting that is wrong.</summary>
internal sealed class AzureCredentialOptionsValidator(IOptions<KeyVaultOptions>? keyVault = null) : IValidateOptions<AzureCredentialOptions>
{
    private const string Section = AzureCredentialOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, AzureCredentialOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Source))
        {
            failures.Add($"{Section}:Source must be one of {string.Join(", ", Enum.GetNames<AzureCredentialSource>())}.");
        }

        if (!string.IsNullOrWhiteSpace(options.ClientId) && !Guid.TryParse(options.ClientId, CultureInfo.InvariantCulture, out _))
        {
            failures.Add($"{Section}:ClientId must be a client id (a GUID).");
        }

        // The local cloud's token is worthless elsewhere, but sending a fixed token to a real vault is a mistake worth stopping.
        if (options.Source == AzureCredentialSource.LocalCloud
            && Uri.TryCreate(VaultUri(), UriKind.Absolute, out Uri? vault) && !IsLoopback(vault))
        {
            failures.Add($"{Section}:Source LocalCloud is for kvrep-dev localcloud only, but {KeyVaultOptions.SectionName}:VaultUri is not a loopback address.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

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
