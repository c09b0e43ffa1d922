namespace KvReplicator.Tests;

/// <summary>
/// Tests that measure the process's memory before and after their work: they run alone, after the parallel
/// tests, so that other tests' allocations do not count against them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringCollection
{
    public const string Name = "Memory-measuring tests";
}
