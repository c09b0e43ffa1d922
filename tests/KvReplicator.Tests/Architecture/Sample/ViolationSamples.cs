using System.ComponentModel;
using KvReplicator.Tests.Architecture.Sample.Adapter;

namespace KvReplicator.Tests.Architecture.Sample;

// The kernel of a sample layering in which the kernel may use nothing (LayeringCheckTests): every type below
// uses the adapter Store in exactly one way, so each way the checker must see has a type that fails without it.
#pragma warning disable CS0169, CS0649 // fields that exist only to be seen

internal sealed class SampleValue;

internal sealed class DerivesFromAdapter : StoreBase;

internal sealed class ImplementsAdapter : IStoreMarker;

internal sealed class HoldsAdapterInField
{
    private readonly List<Store>? _stores;
}

internal sealed class TakesAdapterInSignature
{
    public static void Save(ref Store? store) => store = null;
}

[TypeConverter(typeof(Store))]
internal sealed class NamesAdapterInAttribute;

internal sealed class CallsAdapterInAsyncMethod
{
    public static async Task<int> RunAsync()
    {
        await Task.Yield();
        return Store.Count();
    }
}

internal sealed class CallsAdapterInLambda
{
    public static Func<int> Make() => () => Store.Count();
}

internal sealed class ReadsAdapterField
{
    public static int Read() => Store.Limit;
}

internal sealed class TakesAdapterTypeOf
{
    public static string Name() => typeof(Store).Name;
}

internal sealed class CatchesAdapterException
{
    public static bool Try(Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (StoreException)
        {
            return false;
        }
    }
}

internal static unsafe class CallsThroughAdapterFunctionPointer
{
    public static int Call(nint function) => ((delegate*<Store?, int>)function)(null);
}

internal sealed class UsesOutsideTheFramework
{
    public static void Check() => Xunit.Assert.True(true);
}
