using System.CommandLine;
using KvReplicator.Cli.Configuration;
using KvReplicator.Cli.Invocation;
using KvReplicator.Cli.Status;
using KvReplicator.DependencyInjection;
using KvReplicator.Status;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.Cli.Commands;

/// <summary>
/// <c>kvrep status</c>: per secret, in sync, pending, failed, excluded or foreign; the version last replicated and
/// when (from the ledger); drift by SHA-256 prefix (never a value). Changes nothing. Exit code 0 when every secret
/// is in sync or excluded, 3 otherwise.
/// </summary>
internal sealed class StatusCommand : Command
{
    internal static readonly Option<FileInfo> ConfigOption = CommandConfiguration.CreateConfigOption();

    internal static readonly Option<bool> JsonOption = new("--json") { Description = "Write the report as JSON on stdout." };

    private readonly Action<IServiceCollection>? _configureServices;

    /// <param name="configureServices">Registers services before the replicator; tests use it to supply emulator credentials.</param>
    public StatusCommand(Action<IServiceCollection>? configureServices = null)
        : base("status", "Show each secret's state (in sync, pending, failed, excluded, foreign), the version last replicated and when, and drift by SHA-256; changes nothing.")
    {
        _configureServices = configureServices;
        Options.Add(ConfigOption);
        Options.Add(JsonOption);
        SetAction(ExecuteAsync);
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        FileInfo? config = parseResult.GetValue(ConfigOption);
        if (await CommandConfiguration.ReportMissingFileAsync(config, error, "status").ConfigureAwait(false))
        {
            return ExitCodes.InvalidConfiguration;
        }

        StatusReport report;
        try
        {
            // The vault, AWS and the ledger (read only), and the dead letters when configured: nothing that writes.
            await using ServiceProvider provider = await CommandConfiguration.StartAsync(
                CommandConfiguration.Build(config),
                KvReplicatorRole.Inspect,
                _configureServices is null ? null : (services, configuration) =>
                {
                    _configureServices(services);
                    services.AddKvReplicator(configuration, KvReplicatorRole.Inspect);
                },
                cancellationToken).ConfigureAwait(false);
            report = provider.GetService<SecretStatusReader>() is { } single
                ? await single.ReadAsync(cancellationToken).ConfigureAwait(false)
                : await SecretStatusReader.ReadAllAsync(RouteReaders(provider), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (CommandFailure.From(ex, cancellationToken) is { } failure)
        {
            await failure.WriteAsync(error, "status").ConfigureAwait(false);
            return failure.ExitCode;
        }

        if (parseResult.GetValue(JsonOption))
        {
            await StatusReportWriter.WriteJsonAsync(report, output).ConfigureAwait(false);
        }
        else
        {
            StatusReportWriter.WriteTable(report, output);
        }

        return report.Settled ? ExitCodes.Success : ExitCodes.DriftFound;
    }

    /// <summary>One reader per vault and AWS target, each over its own ledger records.</summary>
    private static SecretStatusReader[] RouteReaders(IServiceProvider provider) =>
    [
        .. provider.GetRequiredService<ReplicationRoutes>().All.Select(route => new SecretStatusReader(
            route.Reconciler, route.Source, provider.GetRequiredService<IReplicationLedger>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetService<IDeadLetterStore>(), route.TargetId)),
    ];
}
