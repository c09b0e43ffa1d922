namespace KvReplicator.TestPlan.Statistics;

/// <summary>End-to-end lag of a run: how many versions were timed, and the nearest-rank p50, p95 and maximum.</summary>
public sealed record LagSummary(int Count, double P50Ms, double P95Ms, double MaxMs)
{
    public static LagSummary Empty { get; } = new(0, 0, 0, 0);

    public static LagSummary From(IEnumerable<TimeSpan> lags)
    {
        ArgumentNullException.ThrowIfNull(lags);
        double[] sorted = [.. lags.Select(l => Math.Max(0, l.TotalMilliseconds)).Order()];
        return sorted.Length == 0
            ? Empty
            : new LagSummary(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 95), sorted[^1]);
    }

    /// <summary>
    /// Nearest-rank percentile: the smallest value with at least <paramref name="percent"/>% of the values at or
    /// below it. It is always a measured value, never an interpolation between two.
    /// </summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        int rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
