using System.CommandLine;
using KvReplicator.Cli.Configuration;
using KvReplicator.Cli.Reconcile;
using KvReplicator.Reconciliation;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.Cli.Commands;

/// <summary>
/// <c>kvrep verify</c>: a read-only drift report per secret (in sync, missing, stale, extra, conflict), comparing
/// version ids and the SHA-256 of both current values. Exit code 0 only when everything is in sync.
/// </summary>
internal sealed class VerifyCommand : Command
{
    internal static readonly Option<FileInfo> ConfigOption = CommandConfiguration.CreateConfigOption();

    internal static readonly Option<bool> JsonOption = new("--json") { Description = "Write the report as JSON on stdout." };

    private readonly ReconcileInvocation _invocation;

    /// <param name="configureServices">Registers services before the replicator; tests use it to supply emulator credentials.</param>
    public VerifyCommand(Action<IServiceCollection>? configureServices = null)
        : base("verify", "Report drift between Key Vault and AWS, secret by secret, comparing values by SHA-256; changes nothing. Exit code 0 only when in sync.")
    {
        _invocation = new ReconcileInvocation(configureServices);
        Options.Add(ConfigOption);
        Options.Add(JsonOption);
        SetAction(ExecuteAsync);
    }

    private Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken) =>
        _invocation.ExecuteAsync(
            parseResult,
            "verify",
            parseResult.GetValue(ConfigOption),
            // Exactly a sync's dry run: the same reads, comparisons and plan, so the two cannot disagree.
            new ReconcileRequest { DryRun = true },
            parseResult.GetValue(JsonOption),
            verify: true,
            report => report.DriftLeft == 0 && !report.HasFailures ? ExitCodes.Success : ExitCodes.DriftFound,
            cancellationToken);
}
