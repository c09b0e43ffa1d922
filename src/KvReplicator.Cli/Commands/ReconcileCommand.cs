using System.CommandLine;
using KvReplicator.Cli.Configuration;
using KvReplicator.Cli.Reconcile;
using KvReplicator.Reconciliation;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.Cli.Commands;

/// <summary>
/// What <c>kvrep sync</c> and <c>kvrep verify</c> share: <c>--config</c>, <c>--json</c> and one reconcile run
/// (<see cref="ReconcileInvocation"/>). A verb says only what it asks the run for and what exit code a report earns.
/// </summary>
internal abstract class ReconcileCommand : Command
{
    internal static readonly Option<FileInfo> ConfigOption = CommandConfiguration.CreateConfigOption();

    internal static readonly Option<bool> JsonOption = new("--json") { Description = "Write the report as JSON on stdout." };

    private readonly ReconcileInvocation _invocation;
    private readonly bool _verify;

    /// <param name="verify">Report as <c>kvrep verify</c> does (hashes; a check's wording).</param>
    /// <param name="configureServices">Registers services before the replicator; tests use it to supply emulator credentials.</param>
    protected ReconcileCommand(string name, string description, bool verify, Action<IServiceCollection>? configureServices)
        : base(name, description)
    {
        _invocation = new ReconcileInvocation(configureServices);
        _verify = verify;
        Options.Add(ConfigOption);
        Options.Add(JsonOption);
        SetAction(ExecuteAsync);
    }

    /// <summary>What the run does, from the verb's own options.</summary>
    protected abstract ReconcileRequest RequestFrom(ParseResult parseResult);

    protected abstract int ExitCodeFor(ReconcileReport report);

    private Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken) =>
        _invocation.ExecuteAsync(
            parseResult,
            Name,
            parseResult.GetValue(ConfigOption),
            RequestFrom(parseResult),
            parseResult.GetValue(JsonOption),
            _verify,
            ExitCodeFor,
            cancellationToken);
}
