using System.ComponentModel.DataAnnotations;
using KvReplicator.Notifications;

namespace KvReplicator.Tests.Notifications;

public sealed class NotificationOptionsTests
{
    [Fact]
    public void Disabled_notifications_need_no_settings()
    {
        Assert.Empty(Validate(new NotificationOptions()));
    }

    [Fact]
    public void An_enabled_fifo_queue_with_a_region_is_valid()
    {
        Assert.Empty(Validate(new NotificationOptions
        {
            Enabled = true,
            QueueUrl = new Uri("https://sqs.eu-west-1.amazonaws.com/123456789012/kvrep-versions.fifo"),
            Region = "eu-west-1",
        }));
    }

    [Fact]
    public void A_standard_queue_is_refused_because_it_neither_orders_nor_deduplicates()
    {
        string error = Assert.Single(Validate(new NotificationOptions
        {
            Enabled = true,
            QueueUrl = new Uri("https://sqs.eu-west-1.amazonaws.com/123456789012/kvrep-versions"),
            Region = "eu-west-1",
        }));

        Assert.Contains(".fifo", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Enabled_without_queue_or_region_names_both_settings()
    {
        IReadOnlyList<string> errors = Validate(new NotificationOptions { Enabled = true });

        Assert.Contains(errors, e => e.Contains("KvReplicator:Notifications:QueueUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("KvReplicator:Notifications:Region", StringComparison.Ordinal));
    }

    private static IReadOnlyList<string> Validate(NotificationOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return [.. results.Select(r => r.ErrorMessage!)];
    }
}
