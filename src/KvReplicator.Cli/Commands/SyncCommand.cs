using System.CommandLine;
using KvReplicator.Reconciliation;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.Cli.Commands;

/// <summary><c>kvrep sync</c>: converges AWS with Key Vault (missing, stale, deleted, restored, re-tagged secrets).</summary>
internal sealed class SyncCommand : ReconcileCommand
{
    internal static readonly Option<bool> DryRunOption = new("--dry-run") { Description = "Print the plan and change nothing." };

    internal static readonly Option<bool> AdoptOption = new("--adopt")
    {
        Description = "Take over AWS secrets with a replicated name that lack the managed-by=kvreplicator tag, instead of reporting them as conflicts.",
    };

    /// <param name="configureServices">Registers services before the replicator; tests use it to supply emulator credentials.</param>
    public SyncCommand(Action<IServiceCollection>? configureServices = null)
        : base("sync", "Bring every replicated secret in AWS in line with Key Vault; safe to run at any time, a second run writes nothing.", verify: false, configureServices)
    {
        Options.Add(DryRunOption);
        Options.Add(AdoptOption);
    }

    protected override ReconcileRequest RequestFrom(ParseResult parseResult) =>
        new() { DryRun = parseResult.GetValue(DryRunOption), Adopt = parseResult.GetValue(AdoptOption) };

    /// <summary>0 means what it means for <c>kvrep verify</c>: nothing is out of line with Key Vault, values included.</summary>
    protected override int ExitCodeFor(ReconcileReport report) =>
        report.HasFailures ? ExitCodes.SyncIncomplete
        // Drift that this run did not repair (a dry run, a conflict, an unmappable name) is still drift.
        : report.DriftLeft > 0 ? ExitCodes.DriftFound
        : ExitCodes.Success;
}
