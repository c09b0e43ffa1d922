namespace KvReplicator.DevTools.Chaos;

/// <summary>Thrown by the crash decorators: the handler "dies" here, and nothing it would do afterwards reaches a store.</summary>
public sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : this("the handler crashed (simulated)")
    {
    }

    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    public SimulatedCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SimulatedCrashException(CrashStep step)
        : base($"the handler crashed {step} (simulated)") => Step = step;

    public CrashStep? Step { get; }
}
