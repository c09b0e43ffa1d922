namespace KvReplicator.LocalCloud.EventGrid;

/// <summary>Event Grid's documented best-effort retry schedule, scaled so tests can run it in milliseconds.</summary>
internal static class RetrySchedule
{
    private static readonly TimeSpan[] s_delays =
    [
        TimeSpan.FromSeconds(10),
        TimeSpan.FromSeconds(30),
        TimeSpan.FromMinutes(1),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1),
        TimeSpan.FromHours(3),
        TimeSpan.FromHours(6),
        TimeSpan.FromHours(12),
    ];

    /// <summary>The wait after the <paramref name="failedAttempts"/>-th failed attempt (1-based); 12 h from the tenth on.</summary>
    public static TimeSpan DelayAfter(int failedAttempts, double scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        TimeSpan delay = s_delays[Math.Min(failedAttempts, s_delays.Length) - 1];
        return TimeSpan.FromTicks((long)(delay.Ticks * scale));
    }
}
