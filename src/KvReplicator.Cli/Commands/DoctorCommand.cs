using System.CommandLine;
using KvReplicator.Cli.Configuration;
using KvReplicator.Cli.Doctor;
using KvReplicator.Cli.Invocation;
using KvReplicator.Preflight;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.Cli.Commands;

/// <summary>
/// <c>kvrep doctor</c>: the configuration file, every setting, and one cheap call to each configured store
/// (Key Vault, the ledger and dead-letter containers, AWS credentials, Secrets Manager), as a ✓/✗ checklist that
/// names the setting to fix. Changes nothing. Exit code 0 when nothing failed; otherwise the code of the worst
/// failure: 2 (a setting), 10 (a store refused), 9 (a store did not answer).
/// </summary>
internal sealed class DoctorCommand : Command
{
    internal static readonly Option<FileInfo> ConfigOption = CommandConfiguration.CreateConfigOption();

    internal static readonly Option<bool> JsonOption = new("--json") { Description = "Write the checklist as JSON on stdout." };

    private readonly Action<IServiceCollection>? _configureServices;

    /// <param name="configureServices">Registers services before the replicator; tests use it to supply emulator credentials.</param>
    public DoctorCommand(Action<IServiceCollection>? configureServices = null)
        : base("doctor", "Check the configuration and ask every configured store for one cheap answer; prints a checklist (✓/✗) that names what to fix. Changes nothing.")
    {
        _configureServices = configureServices;
        Options.Add(ConfigOption);
        Options.Add(JsonOption);
        SetAction(ExecuteAsync);
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        PreflightReport report;
        try
        {
            report = await DoctorChecklist.RunAsync(parseResult.GetValue(ConfigOption), _configureServices, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CommandFailure.Cancelled.WriteAsync(parseResult.InvocationConfiguration.Error, "doctor").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }

        if (parseResult.GetValue(JsonOption))
        {
            await DoctorReportWriter.WriteJsonAsync(report, output).ConfigureAwait(false);
        }
        else
        {
            DoctorReportWriter.WriteTable(report, output);
        }

        return CommandFailure.ExitCodeOf(report.Worst);
    }
}
