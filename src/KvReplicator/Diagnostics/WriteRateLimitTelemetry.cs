using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KvReplicator.Diagnostics;

/// <summary>
/// How long Secrets Manager writes waited for the process's write rate limit, per AWS quota: the one place where
/// the replicator slows itself down on purpose, so an operator can tell "AWS is slow" from "our budget is spent"
/// (<c>kvrep.remote_call.duration</c> is measured below the limit and never contains this wait).
/// </summary>
internal static class WriteRateLimitTelemetry
{
    // Seconds. Most writes find a token (0); a burst beyond the bucket waits a fraction of a second per write
    // queued ahead; MaxWait (30 s by default, 5 min at most) ends the wait with a refusal.
    private static readonly double[] s_buckets = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private static readonly Histogram<double> s_wait = KvReplicatorTelemetry.Meter.CreateHistogram(
        TelemetryNames.WriteRateLimitWait, "s", "Time a Secrets Manager write waited for its turn under the process's write rate limit, per AWS quota.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_buckets });

    /// <summary>A write got its turn after <paramref name="wait"/> (zero when a token was there).</summary>
    public static void Waited(string quota, TimeSpan wait) => Record(quota, wait, RemoteCallScope.Ok);

    /// <summary>A write's turn was further away than MaxWait: it failed at once as transient.</summary>
    public static void Refused(string quota) => Record(quota, TimeSpan.Zero, "refused");

    /// <summary>The caller gave up after <paramref name="waited"/>, before the turn came.</summary>
    public static void Canceled(string quota, TimeSpan waited) => Record(quota, waited, RemoteCallScope.Canceled);

    // kvrep.result takes the remote calls' "ok" and "canceled", and "refused" of its own.
    private static void Record(string quota, TimeSpan wait, string result)
    {
        if (s_wait.Enabled)
        {
            s_wait.Record(Math.Max(0, wait.TotalSeconds), new TagList { { TelemetryNames.Quota, quota }, { TelemetryNames.Result, result } });
        }
    }
}
