using System.CommandLine;
using KvReplicator.Cli.Configuration;
using KvReplicator.Cli.Reconcile;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.Cli.Commands;

/// <summary><c>kvrep sync</c>: converges AWS with Key Vault (missing, stale, deleted, restored, re-tagged secrets).</summary>
internal sealed class SyncCommand : Command
{
    internal static readonly Option<FileInfo> ConfigOption = CommandConfiguration.CreateConfigOption();

    internal static readonly Option<bool> DryRunOption = new("--dry-run") { Description = "Print the plan and change nothing." };

    internal static readonly Option<bool> AdoptOption = new("--adopt")
    {
        Description = "Take over AWS secrets with a replicated name that lack the managed-by=kvreplicator tag, instead of reporting them as conflicts.",
    };

    internal static readonly Option<bool> JsonOption = new("--json") { Description = "Write the report as JSON on stdout." };

    private readonly ReconcileInvocation _invocation;

    /// <param name="configureServices">Registers services before the replicator; tests use it to supply emulator credentials.</param>
    public SyncCommand(Action<IServiceCollection>? configureServices = null)
        : base("sync", "Bring every replicated secret in AWS in line with Key Vault; safe to run at any time, a second run writes nothing.")
    {
        _invocation = new ReconcileInvocation(configureServices);
        Options.Add(ConfigOption);
        Options.Add(DryRunOption);
        Options.Add(AdoptOption);
        Options.Add(JsonOption);
        SetAction(ExecuteAsync);
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        FileInfo? config = parseResult.GetValue(ConfigOption);
        if (await CommandConfiguration.ReportMissingFileAsync(config, error, "sync").ConfigureAwait(false))
        {
            return ExitCodes.InvalidConfiguration;
        }

        var request = new ReconcileRequest { DryRun = parseResult.GetValue(DryRunOption), Adopt = parseResult.GetValue(AdoptOption) };
        ReconcileReport report;
        try
        {
            report = await _invocation.RunAsync(config, request, error, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (CommandConfiguration.IsConfigurationError(ex))
        {
            await CommandConfiguration.ReportAsync(ex, error, "sync").ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }
        catch (SecretStoreException ex)
        {
            await error.WriteLineAsync($"kvrep sync: listing failed, nothing was changed: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.UnexpectedError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }

        if (parseResult.GetValue(JsonOption))
        {
            await ReconcileReportWriter.WriteJsonAsync(report, output).ConfigureAwait(false);
        }
        else
        {
            ReconcileReportWriter.WriteTable(report, output, showHashes: false);
        }

        if (report.HasFailures)
        {
            return ExitCodes.SyncIncomplete;
        }

        // Drift that this run did not repair (a dry run, a conflict, an unmappable name) is still drift.
        return report.Items.Any(item => !item.InSync && item.Status != ReconcileItemStatus.Applied) ? ExitCodes.DriftFound : ExitCodes.Success;
    }
}
