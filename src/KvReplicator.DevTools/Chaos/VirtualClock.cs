namespace KvReplicator.DevTools.Chaos;

/// <summary>
/// The chaos run's clock: it only moves when the simulated Event Grid moves it, so a day of Event Grid retries
/// and claim expiries passes in seconds. Only <see cref="GetUtcNow"/> is virtual: the ledger and the target
/// read the time, nothing of theirs waits on it.
/// </summary>
public sealed class VirtualClock : TimeProvider
{
    private long _utcTicks;

    public VirtualClock(DateTimeOffset start) => _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    /// <summary>Moves the clock to <paramref name="time"/>; never backwards.</summary>
    public void AdvanceTo(DateTimeOffset time)
    {
        long target = time.UtcTicks;
        long current;
        do
        {
            current = Interlocked.Read(ref _utcTicks);
            if (target <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _utcTicks, target, current) != current);
    }
}
