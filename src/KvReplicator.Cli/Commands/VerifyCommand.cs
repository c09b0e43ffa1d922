using System.CommandLine;
using KvReplicator.Reconciliation;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.Cli.Commands;

/// <summary>
/// <c>kvrep verify</c>: a read-only drift report per secret (in sync, missing, stale, extra, conflict), comparing
/// version ids and the SHA-256 of both current values. Exit code 0 only when everything is in sync.
/// </summary>
internal sealed class VerifyCommand : ReconcileCommand
{
    /// <param name="configureServices">Registers services before the replicator; tests use it to supply emulator credentials.</param>
    public VerifyCommand(Action<IServiceCollection>? configureServices = null)
        : base("verify", "Report drift between Key Vault and AWS, secret by secret, comparing values by SHA-256; changes nothing. Exit code 0 only when in sync.", verify: true, configureServices)
    {
    }

    // Exactly a sync's dry run: the same reads, comparisons and plan, so the two cannot disagree.
    protected override ReconcileRequest RequestFrom(ParseResult parseResult) => new() { DryRun = true };

    protected override int ExitCodeFor(ReconcileReport report) =>
        report.DriftLeft == 0 && !report.HasFailures ? ExitCodes.Success : ExitCodes.DriftFound;
}
