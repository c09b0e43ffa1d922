using System.Diagnostics;

namespace KvReplicator.DevTools.Bench;

/// <summary>The process-wide counters <c>--profile</c> reports per phase, read without any external tool.</summary>
internal sealed record ProcessSnapshot(TimeSpan CpuTime, long AllocatedBytes, int Gen0, int Gen1, int Gen2, long LockContentions)
{
    public static ProcessSnapshot Take()
    {
        using Process process = Process.GetCurrentProcess();
        return new ProcessSnapshot(
            process.TotalProcessorTime,
            GC.GetTotalAllocatedBytes(precise: false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            Monitor.LockContentionCount);
    }

    public PhaseProfile Since(ProcessSnapshot start, int maxThreadPoolThreads) => new(
        Math.Round((CpuTime - start.CpuTime).TotalSeconds, 2),
        Math.Round((AllocatedBytes - start.AllocatedBytes) / 1024.0 / 1024.0, 1),
        Gen0 - start.Gen0,
        Gen1 - start.Gen1,
        Gen2 - start.Gen2,
        LockContentions - start.LockContentions,
        maxThreadPoolThreads);
}
