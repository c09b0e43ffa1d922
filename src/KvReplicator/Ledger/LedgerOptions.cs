using System.ComponentModel.DataAnnotations;

namespace KvReplicator.Ledger;

/// <summary>Where the replication ledger keeps its markers. Bound from <c>KvReplicator:Ledger</c>.</summary>
public sealed class LedgerOptions : IValidatableObject
{
    public const string SectionName = "KvReplicator:Ledger";

    public const string DefaultContainerName = "kvreplicator-ledger";

    /// <summary>
    /// The Blob service endpoint, e.g. <c>https://myaccount.blob.core.windows.net</c>. The replicator signs
    /// in with its managed identity (DefaultAzureCredential): no account key to keep. Set this or
    /// <see cref="ConnectionString"/>, not both.
    /// </summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>A storage connection string, for Azurite and local runs. Set this or <see cref="ServiceUri"/>, not both.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The container holding one marker per secret version; created at first use if missing.</summary>
    [Required(ErrorMessage = "ContainerName is required.")]
    [RegularExpression("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$",
        ErrorMessage = "ContainerName must be 3-63 characters of lower-case letters, digits and single hyphens, starting and ending with a letter or digit (Blob container naming rules).")]
    public string ContainerName { get; set; } = DefaultContainerName;

    /// <summary>The client id of a user-assigned managed identity; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        bool hasUri = ServiceUri is not null;
        bool hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
        if (hasUri == hasConnectionString)
        {
            yield return new ValidationResult(
                hasUri
                    ? "Set either ServiceUri (managed identity) or ConnectionString (emulators), not both."
                    : "Set ServiceUri (the Blob service endpoint, for managed identity) or ConnectionString (emulators).",
                [nameof(ServiceUri), nameof(ConnectionString)]);
        }

        if (ServiceUri is { } uri && (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult("ServiceUri must be an absolute https:// URI of the Blob service.", [nameof(ServiceUri)]);
        }

        if (!string.IsNullOrWhiteSpace(ManagedIdentityClientId) && !Guid.TryParse(ManagedIdentityClientId, out _))
        {
            yield return new ValidationResult("ManagedIdentityClientId must be the identity's client id (a GUID).", [nameof(ManagedIdentityClientId)]);
        }
    }
}
