using System.Runtime.InteropServices;

namespace KvReplicator.DevTools.Bench;

/// <summary>The machine a run was measured on, so figures are never compared without it.</summary>
internal sealed record BenchMachine(int Processors, double MemoryGigabytes, string OperatingSystem, string Runtime)
{
    public static BenchMachine Current() => new(
        Environment.ProcessorCount,
        Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024.0 / 1024.0, 1),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription);
}
