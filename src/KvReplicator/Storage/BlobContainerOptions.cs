using System.ComponentModel.DataAnnotations;

namespace KvReplicator.Storage;

/// <summary>
/// Where a Blob container is: the one shape of the ledger's (<c>KvReplicator:Ledger</c>) and the dead letters'
/// (<c>KvReplicator:DeadLetter</c>) settings. Set <see cref="ServiceUri"/> (managed identity, production) or
/// <see cref="ConnectionString"/> (emulators), not both.
/// </summary>
internal abstract class BlobContainerOptions : IValidatableObject
{
    private readonly bool _required;

    /// <param name="defaultContainerName">The container infra/ creates for this use.</param>
    /// <param name="required">Whether a destination must be set; when not, an unset one switches the use off (<see cref="IsConfigured"/>).</param>
    protected BlobContainerOptions(string defaultContainerName, bool required)
    {
        ContainerName = defaultContainerName;
        _required = required;
    }

    /// <summary>
    /// The Blob service endpoint, e.g. <c>https://myaccount.blob.core.windows.net</c>. The replicator signs in with
    /// its managed identity (the registered credential, else DefaultAzureCredential): no account key to keep.
    /// </summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>A storage connection string, for Azurite and local runs.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The container; created at first use if missing.</summary>
    [Required(ErrorMessage = "ContainerName is required.")]
    [RegularExpression("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$",
        ErrorMessage = "ContainerName must be 3-63 characters of lower-case letters, digits and single hyphens, starting and ending with a letter or digit (Blob container naming rules).")]
    public string ContainerName { get; set; }

    /// <summary>The client id of a user-assigned managed identity; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>True when a destination is set.</summary>
    public bool IsConfigured => ServiceUri is not null || !string.IsNullOrWhiteSpace(ConnectionString);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        bool hasUri = ServiceUri is not null;
        bool hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
        if (hasUri && hasConnectionString)
        {
            yield return new ValidationResult(
                "Set either ServiceUri (managed identity) or ConnectionString (emulators), not both.",
                [nameof(ServiceUri), nameof(ConnectionString)]);
        }
        else if (_required && !hasUri && !hasConnectionString)
        {
            yield return new ValidationResult(
                "Set ServiceUri (the Blob service endpoint, for managed identity) or ConnectionString (emulators).",
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
