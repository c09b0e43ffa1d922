namespace KvReplicator.DevTools.Local;

/// <summary>
/// LOCAL ONLY: how much of Secrets Manager's traffic <see cref="LocalThrottlingHandler"/> refuses, and how much it
/// did. The choice is deterministic — each call adds the rate to a running total and is throttled when the total
/// passes one — so a rate of 0.3 refuses exactly 3 calls in 10, a run is never "lucky", and below 0.5 no two
/// calls in a row are refused.
/// </summary>
internal sealed class LocalThrottle
{
    private readonly Lock _sync = new();
    private double _rate;
    private double _accumulated;
    private long _throttled;

    public long Throttled
    {
        get
        {
            lock (_sync)
            {
                return _throttled;
            }
        }
    }

    public double Rate
    {
        get
        {
            lock (_sync)
            {
                return _rate;
            }
        }

        set
        {
            lock (_sync)
            {
                _rate = Math.Clamp(value, 0, 1);
                _accumulated = 0;
            }
        }
    }

    /// <summary>Decides for one call; counts it when throttled.</summary>
    public bool ShouldThrottle()
    {
        lock (_sync)
        {
            if (_rate <= 0)
            {
                return false;
            }

            _accumulated += _rate;
            if (_accumulated < 1 - 1e-9)
            {
                return false;
            }

            _accumulated = Math.Max(0, _accumulated - 1);
            _throttled++;
            return true;
        }
    }
}
