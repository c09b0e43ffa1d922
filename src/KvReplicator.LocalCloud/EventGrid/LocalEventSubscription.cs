using System.ComponentModel.DataAnnotations;
using Azure.Storage.Blobs;

namespace KvReplicator.LocalCloud.EventGrid;

/// <summary>
/// A webhook subscription of the local Event Grid, with the settings a real Event Grid subscription has
/// (retry policy, dead-letter destination, batching, filter, delivery headers).
/// </summary>
public sealed record LocalEventSubscription
{
    /// <summary>The subscription's name, sent as <c>aeg-subscription-name</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "A subscription needs a Name.")]
    [RegularExpression("^[A-Za-z0-9-]{3,64}$", ErrorMessage = "Name must be 3-64 letters, digits or hyphens, as Event Grid requires.")]
    public required string Name { get; init; }

    /// <summary>The webhook. A delivery key may ride in its query string (<c>?code=…</c>) as with Azure Functions.</summary>
    [Required(ErrorMessage = "A subscription needs an Endpoint.")]
    public required Uri Endpoint { get; init; }

    public EventDeliverySchema Schema { get; init; } = EventDeliverySchema.EventGridSchema;

    /// <summary>Event types to deliver; null or empty means all. Compared case-insensitively, as Event Grid does.</summary>
    public IReadOnlyList<string>? IncludedEventTypes { get; init; }

    /// <summary>Attempts before the event is dead-lettered. Event Grid allows 1-30, default 30.</summary>
    [Range(1, 30, ErrorMessage = "MaxDeliveryAttempts must be between 1 and 30, as in Event Grid.")]
    public int MaxDeliveryAttempts { get; init; } = 30;

    /// <summary>How long an undelivered event is retried before it is dead-lettered. Event Grid's default is 1440 minutes.</summary>
    public TimeSpan EventTimeToLive { get; init; } = TimeSpan.FromMinutes(1440);

    /// <summary>A folder that receives one JSON file per dead-lettered event.</summary>
    public string? DeadLetterFolder { get; init; }

    /// <summary>A blob container that receives dead-lettered events, as Event Grid's storage dead-letter destination.</summary>
    public BlobContainerClient? DeadLetterContainer { get; init; }

    /// <summary>Events per HTTP request. Event Grid allows 1-5000, default 1.</summary>
    [Range(1, 5000, ErrorMessage = "MaxEventsPerBatch must be between 1 and 5000, as in Event Grid.")]
    public int MaxEventsPerBatch { get; init; } = 1;

    /// <summary>
    /// Static delivery headers ("delivery with custom headers"), sent with every request to the endpoint,
    /// handshakes included. Values may be secrets (the delivery key): they are never logged.
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Never prints the endpoint's query or the header values: either may hold the delivery key.</summary>
    public override string ToString() => $"{Name} ({Schema}) -> {Endpoint?.GetLeftPart(UriPartial.Path)}";

    internal bool Includes(string eventType) =>
        IncludedEventTypes is not { Count: > 0 } ||
        IncludedEventTypes.Contains(eventType, StringComparer.OrdinalIgnoreCase);

    internal void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        if (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ValidationException("Endpoint must be an absolute http or https URI.");
        }

        if (EventTimeToLive <= TimeSpan.Zero || EventTimeToLive > TimeSpan.FromMinutes(1440))
        {
            throw new ValidationException("EventTimeToLive must be more than zero and at most 1440 minutes, as in Event Grid.");
        }

        if (Headers.Count > 10)
        {
            throw new ValidationException("Event Grid allows at most 10 delivery headers.");
        }
    }
}
