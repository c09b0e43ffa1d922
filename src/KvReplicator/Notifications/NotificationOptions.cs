using System.ComponentModel.DataAnnotations;

namespace KvReplicator.Notifications;

/// <summary>
/// The optional SQS FIFO queue told about every new version (<c>KvReplicator:Notifications</c>). Off by
/// default. Messages are <c>{"secret": …, "version": …}</c>, grouped by secret and de-duplicated by version.
/// </summary>
internal sealed class NotificationOptions : IValidatableObject
{
    public const string SectionName = "KvReplicator:Notifications";

    /// <summary>Send notifications. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The FIFO queue's URL, e.g. <c>https://sqs.eu-west-1.amazonaws.com/123456789012/kvrep.fifo</c>.</summary>
    public Uri? QueueUrl { get; set; }

    /// <summary>The queue's AWS region, e.g. <c>eu-west-1</c>; it names the endpoint and the signing scope.</summary>
    public string? Region { get; set; }

    /// <summary>Overrides the regional endpoint, for emulators (moto) or VPC endpoints.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Retries of one send after a transient error, by the SDK. Default 3, 0 to 10.</summary>
    [Range(0, 10, ErrorMessage = "KvReplicator:Notifications:MaxRetries must be between 0 and 10.")]
    public int MaxRetries { get; set; } = 3;

    /// <summary>How long one send attempt may take. Default 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ErrorMessage = "KvReplicator:Notifications:Timeout must be between 1 second and 1 minute.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (QueueUrl is null || !QueueUrl.IsAbsoluteUri || (QueueUrl.Scheme != Uri.UriSchemeHttps && QueueUrl.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("KvReplicator:Notifications:QueueUrl must be the absolute URL of an SQS queue when notifications are enabled.", [nameof(QueueUrl)]);
        }
        else if (!QueueUrl.AbsolutePath.TrimEnd('/').EndsWith(".fifo", StringComparison.Ordinal))
        {
            // Only FIFO queues keep a secret's versions in order and drop duplicates by version id.
            yield return new ValidationResult("KvReplicator:Notifications:QueueUrl must name a FIFO queue (its name ends in .fifo).", [nameof(QueueUrl)]);
        }

        if (string.IsNullOrWhiteSpace(Region) || !System.Text.RegularExpressions.Regex.IsMatch(Region, @"^[a-z]{2}(-[a-z]+)+-\d{1,2}$"))
        {
            yield return new ValidationResult("KvReplicator:Notifications:Region must be an AWS region name such as eu-west-1 when notifications are enabled.", [nameof(Region)]);
        }

        if (ServiceUrl is not null && (!ServiceUrl.IsAbsoluteUri || (ServiceUrl.Scheme != Uri.UriSchemeHttps && ServiceUrl.Scheme != Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult("KvReplicator:Notifications:ServiceUrl must be an absolute http(s) URL.", [nameof(ServiceUrl)]);
        }
    }
}
