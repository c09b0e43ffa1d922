namespace KvReplicator.DevTools.Bench;

/// <summary>Nearest-rank percentiles of a set of durations, in milliseconds; zeros when there were none.</summary>
internal sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max)
{
    public static LatencySummary From(IEnumerable<TimeSpan> durations)
    {
        double[] sorted = [.. durations.Select(duration => duration.TotalMilliseconds).Order()];
        if (sorted.Length == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0);
        }

        return new LatencySummary(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99), sorted[^1]);
    }

    internal static double Percentile(double[] sorted, int percentile)
    {
        int rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
