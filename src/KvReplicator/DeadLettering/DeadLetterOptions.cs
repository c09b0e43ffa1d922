using System.ComponentModel.DataAnnotations;

namespace KvReplicator.DeadLettering;

/// <summary>
/// Where a host dead-letters the deliveries it rejects (permanent failures it acknowledges, so Event Grid
/// never dead-letters them itself). Bound from <c>KvReplicator:DeadLetter</c>. Optional: with neither
/// <see cref="ServiceUri"/> nor <see cref="ConnectionString"/> set, rejected events are only logged.
/// </summary>
public sealed class DeadLetterOptions : IValidatableObject
{
    public const string SectionName = "KvReplicator:DeadLetter";

    /// <summary>The default of infra/'s <c>dead_letter_container_name</c>: the container Event Grid dead-letters into.</summary>
    public const string DefaultContainerName = "kvreplicator-deadletter";

    /// <summary>
    /// The Blob service endpoint, e.g. <c>https://myaccount.blob.core.windows.net</c>, reached with the managed
    /// identity (DefaultAzureCredential). Set this or <see cref="ConnectionString"/>, not both.
    /// </summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>A storage connection string, for Azurite and local runs. Set this or <see cref="ServiceUri"/>, not both.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The dead-letter container: the one Event Grid uses, so <c>kvrep replay</c> finds both in one place.</summary>
    [Required(ErrorMessage = "ContainerName is required.")]
    [RegularExpression("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$",
        ErrorMessage = "ContainerName must be 3-63 characters of lower-case letters, digits and single hyphens, starting and ending with a letter or digit (Blob container naming rules).")]
    public string ContainerName { get; set; } = DefaultContainerName;

    /// <summary>The client id of a user-assigned managed identity; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>True when a destination is set; otherwise rejected events are logged, not dead-lettered.</summary>
    public bool IsConfigured => ServiceUri is not null || !string.IsNullOrWhiteSpace(ConnectionString);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ServiceUri is not null && !string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "Set either ServiceUri (managed identity) or ConnectionString (emulators), not both.",
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
