using System.CommandLine;
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
internal sealed class DoctorCommand : ReportCommand<PreflightReport>
{
    public DoctorCommand(Action<IServiceCollection>? configureServices = null)
        : base("doctor", "Check the configuration and ask every configured store for one cheap answer; prints a checklist (✓/✗) that names what to fix. Changes nothing.", configureServices)
    {
    }

    // A missing or broken file is the checklist's first failed check, not a reason to print no checklist.
    protected override bool RequiresConfigurationFile => false;

    protected override Task<PreflightReport> ProduceAsync(ParseResult parseResult, FileInfo? config, CancellationToken cancellationToken) =>
        DoctorChecklist.RunAsync(config, ConfigureServices, cancellationToken);

    protected override Task WriteJsonAsync(PreflightReport report, TextWriter output) => DoctorReportWriter.WriteJsonAsync(report, output);

    protected override void WriteTable(PreflightReport report, TextWriter output) => DoctorReportWriter.WriteTable(report, output);

    protected override int ExitCodeFor(PreflightReport report) => CommandFailure.ExitCodeOf(report.Worst);
}
