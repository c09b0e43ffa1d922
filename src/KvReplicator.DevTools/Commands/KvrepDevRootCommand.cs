using System.CommandLine;

namespace KvReplicator.DevTools.Commands;

/// <summary>The <c>kvrep-dev</c> root: the developer's verbs, kept out of the production <c>kvrep</c>.</summary>
internal sealed class KvrepDevRootCommand : RootCommand
{
    public KvrepDevRootCommand()
        : base("kvrep-dev: the demo, the local cloud, the test plan, the benchmark and the chaos run of KvReplicator.")
    {
        Subcommands.Add(new DemoCommand());
        Subcommands.Add(new LocalCloudCommand());
        Subcommands.Add(new TestPlanCommand());
        Subcommands.Add(new BenchCommand());
        Subcommands.Add(new ChaosCommand());
    }
}
