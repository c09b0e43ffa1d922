namespace KvReplicator.DevTools.Chaos;

/// <summary>
/// Whether and where the handler of the current delivery crashes. The simulated Event Grid sets it for each
/// delivery; it flows with the delivery's async calls into the port decorators.
/// </summary>
public sealed class CrashPlan
{
    private static readonly AsyncLocal<CrashPlan?> s_current = new();

    private readonly ChaosFigures _figures;
    private int _crashed;

    public CrashPlan(CrashStep step, ChaosFigures figures)
    {
        Step = step;
        _figures = figures ?? throw new ArgumentNullException(nameof(figures));
    }

    /// <summary>The plan of the delivery running on this async flow, or null when it does not crash.</summary>
    public static CrashPlan? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public CrashStep Step { get; }

    /// <summary>The handler has died: whatever it still tries (a release, a commit) must not reach a store.</summary>
    public bool HasCrashed => Volatile.Read(ref _crashed) == 1;

    /// <summary>Crashes now if this is the planned step (only once: the first handler flow to get there).</summary>
    public static void At(CrashStep step)
    {
        CrashPlan? plan = Current;
        if (plan is not null && plan.Step == step && Interlocked.CompareExchange(ref plan._crashed, 1, 0) == 0)
        {
            plan._figures.Crash(step);
            throw new SimulatedCrashException(step);
        }

        ThrowIfDead();
    }

    /// <summary>A dead handler does nothing more.</summary>
    public static void ThrowIfDead()
    {
        if (Current?.HasCrashed == true)
        {
            throw new SimulatedCrashException();
        }
    }
}
