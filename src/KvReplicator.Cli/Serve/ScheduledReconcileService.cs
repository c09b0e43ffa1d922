using Cronos;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.Cli.Serve;

/// <summary>
/// <c>kvrep serve</c>'s counterpart of the Functions <c>Reconcile</c> timer: runs the core's
/// <see cref="SecretReconciler"/> on <c>KvReplicator:Reconcile:Schedule</c> (NCRONTAB, six fields, seconds first,
/// UTC), so a replicator outside Azure Functions also repairs what no event announces. Runs never overlap: the
/// next occurrence is taken after a run ends, and occurrences missed while it ran are skipped, as the Functions
/// timer does.
/// </summary>
internal sealed partial class ScheduledReconcileService : BackgroundService
{
    private readonly IReadOnlyList<SecretReconciler> _routes;
    private readonly ReconcileOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ScheduledReconcileService> _logger;

    /// <param name="routes">Every route's reconciler (one per vault and AWS target); each scheduled run reconciles them all.</param>
    public ScheduledReconcileService(IEnumerable<SecretReconciler> routes, IOptions<ReconcileOptions> options, TimeProvider timeProvider, ILogger<ScheduledReconcileService> logger)
    {
        _routes = [.. routes];
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Registers the schedule when <c>KvReplicator:Reconcile:Schedule</c> is set. Unlike the Functions host,
    /// where the timer always exists, serve runs it only on request: several replicas would each run it, and a
    /// Kubernetes CronJob running <c>kvrep sync</c> is the other way to schedule it. An empty value means unset.
    /// </summary>
    public static void AddIfScheduled(IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[$"{ReconcileOptions.SectionName}:{nameof(ReconcileOptions.Schedule)}"]))
        {
            return;
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReconcileOptions>, ReconcileScheduleValidator>());
        services.AddHostedService<ScheduledReconcileService>();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        CronExpression schedule = ReconcileScheduleValidator.Parse(_options.Schedule);
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset now = _timeProvider.GetUtcNow();
            DateTimeOffset? next = schedule.GetNextOccurrence(now, TimeZoneInfo.Utc);
            if (next is null)
            {
                LogNoNextOccurrence(_logger, _options.Schedule);
                return;
            }

            try
            {
                Task due = Task.Delay(next.Value - now, _timeProvider, stoppingToken);
                LogNextRun(_logger, next.Value);
                await due.ConfigureAwait(false);
                ReconcileReport report = await RoutedReconcile.ReconcileAsync(_routes, new ReconcileRequest(), progress: null, stoppingToken).ConfigureAwait(false);
                ReconcileReportLog.Write(_logger, report);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SecretStoreException ex)
            {
                // Listing failed and nothing was written; the next occurrence tries again, as the timer would.
                LogListingFailed(_logger, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 810, Level = LogLevel.Debug, Message = "Next scheduled reconcile at {NextRun:u}")]
    private static partial void LogNextRun(ILogger logger, DateTimeOffset nextRun);

    [LoggerMessage(EventId = 811, Level = LogLevel.Warning, Message = "Scheduled reconcile could not list, nothing was changed; retried at the next occurrence: {Reason}")]
    private static partial void LogListingFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 812, Level = LogLevel.Warning, Message = "Reconcile schedule '{Schedule}' has no future occurrence; scheduled reconcile stops")]
    private static partial void LogNoNextOccurrence(ILogger logger, string schedule);
}
