namespace KvReplicator.Tests.Architecture.Sample.Adapter;

// An "adapter" of the sample layering (ViolationSamples.cs): the kernel of the sample must not use any of these.

internal abstract class StoreBase;

internal interface IStoreMarker;

internal sealed class Store : StoreBase
{
    public static readonly int Limit = 3;

    /// <summary>Uses the kernel of the sample, which an adapter may.</summary>
    public SampleValue Value { get; } = new();

    public static int Count() => Limit;
}

internal sealed class StoreException : Exception;
