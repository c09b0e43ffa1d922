namespace KvReplicator.Tests.Events;

/// <summary>
/// A measurement run by hand, not a check: skipped unless <c>KVREP_PERF=1</c>, because its figures depend on
/// the machine and what else runs on it. <c>KVREP_PERF=1 dotnet test --filter Category=Perf</c>.
/// </summary>
internal sealed class PerfFactAttribute : FactAttribute
{
    public PerfFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("KVREP_PERF") != "1")
        {
            Skip = "a measurement run by hand: set KVREP_PERF=1";
        }
    }
}
