using KvReplicator.Cli.Configuration;
using KvReplicator.DependencyInjection;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace KvReplicator.Cli.Reconcile;

/// <summary>
/// Runs one reconcile for <c>kvrep sync</c> and <c>kvrep verify</c>: composes the replicator from the
/// configuration file and the environment (as <c>kvrep serve</c> does) with the stores the run uses, validates
/// every setting and asks each store for one answer before any work, and shows a progress bar on an interactive stderr.
/// </summary>
internal sealed class ReconcileInvocation
{
    private readonly Action<IServiceCollection>? _configureServices;

    /// <param name="configureServices">Runs before the replicator is added, so its registrations win (tests supply emulator credentials).</param>
    public ReconcileInvocation(Action<IServiceCollection>? configureServices) => _configureServices = configureServices;

    /// <summary>
    /// One reconcile over every vault and AWS target: composes and checks the stores first, then compares (and
    /// with a sync, writes), with a progress bar on an interactive stderr.
    /// </summary>
    public async Task<ReconcileReport> RunAsync(FileInfo? config, ReconcileRequest request, TextWriter error, CancellationToken cancellationToken)
    {
        // A plan writes nothing and needs no ledger; a sync writes through the replicator, under each secret's lock.
        KvReplicatorRole role = request.DryRun ? KvReplicatorRole.Compare : KvReplicatorRole.Replicate;

        // A caller's registrations (tests: emulator credentials) come first, so AddKvReplicator keeps them.
        await using ServiceProvider provider = await CommandConfiguration.StartAsync(
            CommandConfiguration.Build(config),
            role,
            _configureServices is null ? null : (services, configuration) =>
            {
                _configureServices(services);
                services.AddKvReplicator(configuration, role);
            },
            cancellationToken).ConfigureAwait(false);
        // One reconciler per vault and AWS target; a single route's report is its own.
        IReadOnlyList<SecretReconciler> routes = provider.GetRequiredService<ReplicationRoutes>().Reconcilers;
        if (!request.DryRun)
        {
            // A diagnostic, not data: which AWS write quota each target's writes wait for, besides the run's own MaxWritesPerSecond.
            foreach (TargetWriteQuota target in provider.GetRequiredService<TargetWriteQuotas>().Targets)
            {
                await error.WriteLineAsync($"Target {target.TargetId} writes within AWS write quota {target.Quota}: {target.Describe()}.").ConfigureAwait(false);
            }
        }

        if (!ReferenceEquals(error, Console.Error) || Console.IsErrorRedirected)
        {
            return await RoutedReconcile.ReconcileAsync(routes, request, progress: null, cancellationToken).ConfigureAwait(false);
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(true)
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask(request.DryRun ? "Comparing" : "Syncing", maxValue: 1);
                var progress = new Progress<ReconcileProgress>(step =>
                {
                    task.MaxValue = Math.Max(1, step.Total);
                    task.Value = step.Completed;
                });
                return await RoutedReconcile.ReconcileAsync(routes, request, progress, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }
}
