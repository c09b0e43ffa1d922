using System.ComponentModel.DataAnnotations;
using KvReplicator.LocalCloud.EventGrid;

namespace KvReplicator.Tests.EventGrid;

public sealed class LocalEventSubscriptionTests
{
    [Fact]
    public void ToString_hides_the_key_in_the_query_and_the_headers()
    {
        var subscription = new LocalEventSubscription
        {
            Name = "keyed",
            Endpoint = new Uri("http://127.0.0.1:5080/api/events?code=the-secret-key"),
            Headers = new Dictionary<string, string> { ["X-Kvrep-Key"] = "the-header-key" },
        };

        string text = subscription.ToString();

        Assert.Contains("http://127.0.0.1:5080/api/events", text, StringComparison.Ordinal);
        Assert.DoesNotContain("the-secret-key", text, StringComparison.Ordinal);
        Assert.DoesNotContain("the-header-key", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(31, 1)]
    [InlineData(30, 0)]
    [InlineData(30, 5001)]
    public void Settings_outside_Event_Grids_limits_are_refused(int maxAttempts, int maxBatch)
    {
        var subscription = new LocalEventSubscription
        {
            Name = "limits",
            Endpoint = new Uri("http://127.0.0.1:5080/api/events"),
            MaxDeliveryAttempts = maxAttempts,
            MaxEventsPerBatch = maxBatch,
        };

        Assert.Throws<ValidationException>(subscription.Validate);
    }

    [Fact]
    public void Grid_options_out_of_range_are_refused_at_construction()
    {
        Assert.Throws<ValidationException>(() => new LocalEventGrid(new LocalEventGridOptions { DuplicateRate = 1.5 }));
    }
}
