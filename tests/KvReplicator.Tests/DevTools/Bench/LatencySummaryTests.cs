using KvReplicator.DevTools.Bench;

namespace KvReplicator.Tests.DevTools.Bench;

public sealed class LatencySummaryTests
{
    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        LatencySummary summary = LatencySummary.From(Enumerable.Range(1, 100).Select(ms => TimeSpan.FromMilliseconds(ms)));

        Assert.Equal((100, 50.0, 95.0, 99.0, 100.0), (summary.Count, summary.P50, summary.P95, summary.P99, summary.Max));
        Assert.Equal(0, LatencySummary.From([]).Count);
    }
}
