using System.CommandLine;
using KvReplicator.Cli.Configuration;
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
internal sealed class StatusCommand : ReportCommand<StatusReport>
{
    /// <param name="configureServices">Registers services before the replicator; tests use it to supply emulator credentials.</param>
    public StatusCommand(Action<IServiceCollection>? configureServices = null)
        : base("status", "Show each secret's state (in sync, pending, failed, excluded, foreign), the version last replicated and when, and drift by SHA-256; changes nothing.", configureServices)
    {
    }

    protected override async Task<StatusReport> ProduceAsync(ParseResult parseResult, FileInfo? config, CancellationToken cancellationToken)
    {
        // The vault, AWS and the ledger (read only), and the dead letters when configured: nothing that writes.
        await using ServiceProvider provider = await CommandConfiguration.StartAsync(
            CommandConfiguration.Build(config),
            KvReplicatorRole.Inspect,
            ConfigureServices is not { } configure ? null : (services, configuration) =>
            {
                configure(services);
                services.AddKvReplicator(configuration, KvReplicatorRole.Inspect);
            },
            cancellationToken).ConfigureAwait(false);
        return provider.GetService<SecretStatusReader>() is { } single
            ? await single.ReadAsync(cancellationToken).ConfigureAwait(false)
            : await SecretStatusReader.ReadAllAsync(RouteReaders(provider), cancellationToken).ConfigureAwait(false);
    }

    protected override Task WriteJsonAsync(StatusReport report, TextWriter output) => StatusReportWriter.WriteJsonAsync(report, output);

    protected override void WriteTable(StatusReport report, TextWriter output) => StatusReportWriter.WriteTable(report, output);

    protected override int ExitCodeFor(StatusReport report) => report.Settled ? ExitCodes.Success : ExitCodes.DriftFound;

    /// <summary>One reader per vault and AWS target, each over its own ledger records.</summary>
    private static SecretStatusReader[] RouteReaders(IServiceProvider provider) =>
    [
        .. provider.GetRequiredService<ReplicationRoutes>().All.Select(route => new SecretStatusReader(
            route.Reconciler, route.Source, provider.GetRequiredService<IReplicationLedger>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetService<IDeadLetterStore>(), route.TargetId)),
    ];
}
