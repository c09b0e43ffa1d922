using System.Diagnostics;
using System.Diagnostics.Metrics;
using KvReplicator.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace KvReplicator.Tests.Testing;

/// <summary>The leak guard's view of exported telemetry holds every place a value could hide in, so a leak there is found.</summary>
public sealed class ExportedTelemetryTests
{
    private const string Planted = "planted-text-that-is-no-secret";

    [Fact]
    public void A_span_is_described_with_its_attributes_events_baggage_and_status()
    {
        using var span = new Activity("span");
        span.SetTag("attribute", Planted + "-1").SetTag("list", new[] { "a", Planted + "-2" });
        span.AddEvent(new ActivityEvent("event", tags: new ActivityTagsCollection { ["event.attribute"] = Planted + "-3" }));
        span.SetBaggage("baggage", Planted + "-4");
        span.SetStatus(ActivityStatusCode.Error, Planted + "-5");

        string text = ExportedTelemetry.Describe(span);

        Assert.All(Enumerable.Range(1, 5), n => Assert.Contains($"{Planted}-{n}", text, StringComparison.Ordinal));
    }

    [Fact]
    public void A_metric_is_described_with_the_tags_of_every_point()
    {
        string meterName = "KvReplicator.Tests.ExportedTelemetry." + Guid.NewGuid().ToString("N");
        var exported = new List<MetricSnapshot>();
        using (MeterProvider provider = Sdk.CreateMeterProviderBuilder().AddMeter(meterName).AddInMemoryExporter(exported).Build())
        using (var meter = new Meter(meterName))
        {
            Counter<long> counter = meter.CreateCounter<long>("counted");
            counter.Add(1, new KeyValuePair<string, object?>("tag", Planted + "-1"));
            counter.Add(1, new KeyValuePair<string, object?>("tag", Planted + "-2"));
            provider.ForceFlush();
        }

        string text = ExportedTelemetry.Describe(exported.First(metric => metric.Name == "counted"));

        Assert.Contains(Planted + "-1", text, StringComparison.Ordinal);
        Assert.Contains(Planted + "-2", text, StringComparison.Ordinal);
    }
}
