using System.Globalization;
using Microsoft.Extensions.Options;

namespace KvReplicator.AzureIdentity;

/// <summary>
/// Checks <see cref="AzureCredentialOptions"/> at start, naming the setting that is wrong. Whether the local cloud's
/// credential points at a real vault is the composition root's check (it knows the Key Vault settings too).
/// </summary>
internal sealed class AzureCredentialOptionsValidator : IValidateOptions<AzureCredentialOptions>
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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
