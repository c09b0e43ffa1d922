using KvReplicator.TestPlan.Statistics;

namespace KvReplicator.Tests.Statistics;

public sealed class LagSummaryTests
{
    [Theory]
    [InlineData(50, 5)]
    [InlineData(95, 10)]
    [InlineData(90, 9)]
    [InlineData(91, 10)]
    [InlineData(10, 1)]
    [InlineData(100, 10)]
    public void Percentile_is_the_nearest_rank(double percent, double expected)
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

        Assert.Equal(expected, LagSummary.Percentile(sorted, percent));
    }

    [Fact]
    public void Summary_sorts_its_input_and_reports_count_p50_p95_and_max()
    {
        TimeSpan[] lags = [.. new[] { 900, 100, 300, 200, 1000, 400, 600, 500, 800, 700 }.Select(ms => TimeSpan.FromMilliseconds(ms))];

        LagSummary summary = LagSummary.From(lags);

        Assert.Equal(new LagSummary(10, 500, 1000, 1000), summary);
    }

    [Fact]
    public void One_measurement_is_every_percentile()
    {
        Assert.Equal(new LagSummary(1, 42, 42, 42), LagSummary.From([TimeSpan.FromMilliseconds(42)]));
    }

    [Fact]
    public void No_measurements_give_the_empty_summary()
    {
        Assert.Equal(LagSummary.Empty, LagSummary.From([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => LagSummary.Percentile([], 50));
    }

    [Fact]
    public void A_negative_lag_from_clock_order_counts_as_zero()
    {
        Assert.Equal(new LagSummary(2, 0, 10, 10), LagSummary.From([TimeSpan.FromMilliseconds(-3), TimeSpan.FromMilliseconds(10)]));
    }
}
