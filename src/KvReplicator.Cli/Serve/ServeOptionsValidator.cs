using Microsoft.Extensions.Options;

namespace KvReplicator.Cli.Serve;

/// <summary>Refuses to start a webhook that anyone could post to, unless anonymity was asked for by name.</summary>
internal sealed class ServeOptionsValidator : IValidateOptions<ServeOptions>
{
    public const int MinimumKeyLength = 32;

    public ValidateOptionsResult Validate(string? name, ServeOptions options)
    {
        if (string.IsNullOrEmpty(options.DeliveryKey))
        {
            return options.AllowAnonymous
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"{ServeOptions.SectionName}:DeliveryKey is required: set it (e.g. environment variable KvReplicator__Serve__DeliveryKey) " +
                    $"and give Event Grid the same key as the X-Kvrep-Key delivery header or ?code= query, or set {ServeOptions.SectionName}:AllowAnonymous=true for local debugging.");
        }

        if (options.DeliveryKey.Length < MinimumKeyLength || string.IsNullOrWhiteSpace(options.DeliveryKey))
        {
            return ValidateOptionsResult.Fail($"{ServeOptions.SectionName}:DeliveryKey must be at least {MinimumKeyLength} characters (e.g. `openssl rand -hex 32`).");
        }

        return ValidateOptionsResult.Success;
    }
}
