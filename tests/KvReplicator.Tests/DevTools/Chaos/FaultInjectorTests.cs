using KvReplicator.DevTools.Chaos;

namespace KvReplicator.Tests.DevTools.Chaos;

public sealed class FaultInjectorTests
{
    private static readonly string[] s_kinds = ["a", "b", "c"];

    [Fact]
    public void The_same_seed_draws_the_same_faults_and_counts_them_by_edge_and_kind()
    {
        var firstFigures = new ChaosFigures();
        var first = new FaultInjector(7, 0.3, firstFigures);
        var second = new FaultInjector(7, 0.3, new ChaosFigures());

        string?[] drawn = Enumerable.Range(0, 1000).Select(_ => first.Next("edge", s_kinds)).ToArray();

        Assert.Equal(drawn, Enumerable.Range(0, 1000).Select(_ => second.Next("edge", s_kinds)).ToArray());
        Assert.InRange(drawn.Count(d => d is not null), 200, 400);
        Assert.Equal(drawn.Count(d => d == "b"), firstFigures.Faults["edge/b"]);
    }

    [Fact]
    public void A_disabled_injector_lets_everything_through()
    {
        var injector = new FaultInjector(7, 0.5, new ChaosFigures()) { Enabled = false };

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Null(injector.Next("edge", s_kinds)));
    }
}
