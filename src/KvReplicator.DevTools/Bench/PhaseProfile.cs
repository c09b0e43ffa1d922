namespace KvReplicator.DevTools.Bench;

/// <summary>
/// CPU, allocation, GC and thread-pool figures of one phase. They cover the whole bench process, which also
/// hosts the local Key Vault (moto and Azurite run in their own processes).
/// </summary>
internal sealed record PhaseProfile(double CpuSeconds, double AllocatedMegabytes, int Gen0Collections, int Gen1Collections, int Gen2Collections, long LockContentions, int MaxThreadPoolThreads)
{
    /// <summary>HTTP connections opened during the phase, by service (System.Net.Http's ConnectionEstablished events).</summary>
    public IReadOnlyDictionary<string, int> ConnectionsOpened { get; init; } = new Dictionary<string, int>();
}
