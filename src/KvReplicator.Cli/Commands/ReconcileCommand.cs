using System.CommandLine;
using KvReplicator.Cli.Invocation;
using KvReplicator.Cli.Reconcile;
using KvReplicator.Reconciliation;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.Cli.Commands;

/// <summary>
/// What <c>kvrep sync</c> and <c>kvrep verify</c> share beyond every report verb's: one reconcile run
/// (<see cref="ReconcileInvocation"/>) and its report. A verb says only what it asks the run for and what exit
/// code a report earns.
/// </summary>
internal abstract class ReconcileCommand : ReportCommand<ReconcileReport>
{
    private readonly bool _verify;

    /// <param name="verify">Report as <c>kvrep verify</c> does (hashes; a check's wording).</param>
    /// <param name="configureServices">Registers services before the replicator; tests use it to supply emulator credentials.</param>
    protected ReconcileCommand(string name, string description, bool verify, Action<IServiceCollection>? configureServices)
        : base(name, description, configureServices) => _verify = verify;

    /// <summary>What the run does, from the verb's own options.</summary>
    protected abstract ReconcileRequest RequestFrom(ParseResult parseResult);

    protected override Task<ReconcileReport> ProduceAsync(ParseResult parseResult, FileInfo? config, CancellationToken cancellationToken) =>
        new ReconcileInvocation(ConfigureServices).RunAsync(config, RequestFrom(parseResult), parseResult.InvocationConfiguration.Error, cancellationToken);

    /// <summary>A store that failed while the run listed secrets: nothing was changed, and the message says which store.</summary>
    protected override CommandFailure? Describe(Exception exception) => exception is SecretStoreException store
        ? new CommandFailure(store.IsTransient ? ExitCodes.StoreUnavailable : ExitCodes.StoreRefused, [$"listing failed, nothing was changed: {store.Message}"])
        : null;

    protected override Task WriteJsonAsync(ReconcileReport report, TextWriter output) => ReconcileReportWriter.WriteJsonAsync(report, output);

    protected override void WriteTable(ReconcileReport report, TextWriter output) => ReconcileReportWriter.WriteTable(report, output, _verify);
}
