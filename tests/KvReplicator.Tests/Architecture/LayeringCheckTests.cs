using KvReplicator.Tests.Architecture.Sample;

namespace KvReplicator.Tests.Architecture;

/// <summary>
/// The checker behind <see cref="CoreLayeringTests"/> fails where it must: on a sample layering in this assembly
/// (Sample/) whose kernel types each use an adapter in one way only, as a base type, a field, a signature, an
/// attribute's typeof, a call in an async method's state machine or a lambda's closure, a field read, a typeof,
/// a catch clause or a calli signature.
/// </summary>
public sealed class LayeringCheckTests
{
    private static readonly NamespaceRules s_sampleRules = new(
        typeof(SampleValue).Namespace!,
        new Dictionary<string, string[]> { [NamespaceRules.Kernel] = [], ["Adapter"] = [NamespaceRules.Kernel] });

    private static readonly List<string> s_violations = s_sampleRules.Violations(typeof(SampleValue).Assembly);

    [Theory]
    [InlineData(nameof(DerivesFromAdapter), "base type")]
    [InlineData(nameof(ImplementsAdapter), "interface")]
    [InlineData(nameof(HoldsAdapterInField), "field _stores")]
    [InlineData(nameof(TakesAdapterInSignature), "Save parameter store")]
    [InlineData(nameof(NamesAdapterInAttribute), "attribute typeof")]
    [InlineData(nameof(CallsAdapterInAsyncMethod) + "+<RunAsync>", "MoveNext: IL call Store.Count")]
    [InlineData(nameof(CallsAdapterInLambda) + "+<>c", "<Make>b__0_0: IL call Store.Count")]
    [InlineData(nameof(ReadsAdapterField), "Read: IL ldsfld Store.Limit")]
    [InlineData(nameof(TakesAdapterTypeOf), "Name: IL ldtoken Store")]
    [InlineData(nameof(CatchesAdapterException), "Try catch")]
    [InlineData(nameof(CallsThroughAdapterFunctionPointer), "Call: IL calli signature")]
    public void A_kernel_type_that_uses_an_adapter_is_reported(string sampleType, string via)
    {
        string sample = $"{typeof(SampleValue).Namespace}.{sampleType}";

        Assert.Contains(s_violations, line => line.StartsWith($"kernel → Adapter: {sample}", StringComparison.Ordinal) && line.Contains(via, StringComparison.Ordinal));
    }

    [Fact]
    public void Kernel_types_that_only_use_the_kernel_pass()
    {
        Assert.DoesNotContain(s_violations, line => line.Contains($".{nameof(SampleValue)} uses", StringComparison.Ordinal));

        // The adapter uses the kernel, which it may.
        Assert.DoesNotContain(s_violations, line => line.StartsWith("Adapter →", StringComparison.Ordinal));
    }

    [Fact]
    public void The_kernel_using_a_library_outside_the_framework_is_reported()
    {
        Assert.Contains(s_violations, line => line.StartsWith($"kernel → xunit.assert: {typeof(UsesOutsideTheFramework).FullName} uses Xunit.Assert", StringComparison.Ordinal));
    }

    [Fact]
    public void A_namespace_in_no_layer_is_reported()
    {
        Assert.Contains($"{typeof(SampleValue).Namespace}.Unplaced is in no layer: give the component 'Unplaced' its place in the rules (and in docs/architecture.md)", s_violations);
    }
}
