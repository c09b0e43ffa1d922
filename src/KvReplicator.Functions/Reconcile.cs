using KvReplicator.Reconciliation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace KvReplicator.Functions;

/// <summary>
/// Repairs what events never announce (deleted, disabled, re-tagged secrets; events Event Grid gave up on) on
/// the schedule in <c>KvReplicator:Reconcile:Schedule</c>. The core reports each secret; a failed one is retried
/// by the next run, so the function only throws when it could not list at all.
/// </summary>
public sealed partial class Reconcile
{
    private readonly SecretReconciler _reconciler;
    private readonly ILogger<Reconcile> _logger;

    public Reconcile(SecretReconciler reconciler, ILogger<Reconcile> logger)
    {
        _reconciler = reconciler;
        _logger = logger;
    }

    [Function(nameof(Reconcile))]
    public async Task RunAsync([TimerTrigger("%KvReplicator:Reconcile:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ReconcileReport report = await _reconciler.ReconcileAsync(new ReconcileRequest(), progress: null, cancellationToken).ConfigureAwait(false);
        foreach (ReconcileItem item in report.Items.Where(item => item.DriftFound || item.Status == ReconcileItemStatus.Failed))
        {
            LogItem(_logger, item.TargetName, item.Kind, item.Actions, item.Status, item.SourceVersion, item.Error ?? item.Detail);
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information,
        Message = "Reconcile {TargetName}: {Kind}, {Actions} {Status} (version {SecretVersion}) {Detail}")]
    private static partial void LogItem(ILogger logger, string targetName, DriftKind kind, ReconcileActions actions,
        ReconcileItemStatus status, string? secretVersion, string? detail);
}
