namespace KvReplicator.Cli.Local;

/// <summary>LOCAL ONLY: how much of Secrets Manager's traffic <see cref="LocalThrottlingHandler"/> refuses, and how much it did.</summary>
internal sealed class LocalThrottle
{
    private readonly Lock _sync = new();
    private readonly Random _random = new();
    private double _rate;
    private long _throttled;

    public long Throttled => Interlocked.Read(ref _throttled);

    public double Rate
    {
        get => Volatile.Read(ref _rate);
        set => Volatile.Write(ref _rate, Math.Clamp(value, 0, 1));
    }

    /// <summary>Decides for one call; counts it when throttled.</summary>
    public bool ShouldThrottle()
    {
        double rate = Rate;
        if (rate <= 0)
        {
            return false;
        }

        bool throttle;
        lock (_sync)
        {
            throttle = _random.NextDouble() < rate;
        }

        if (throttle)
        {
            Interlocked.Increment(ref _throttled);
        }

        return throttle;
    }
}
