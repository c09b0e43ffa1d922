using KvReplicator.Reconciliation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace KvReplicator.Functions;

/// <summary>
/// Repairs what events never announce (deleted, disabled, re-tagged secrets; events Event Grid gave up on) on
/// the schedule in <c>KvReplicator:Reconcile:Schedule</c>. The core reports each secret; a failed one is retried
/// by the next run, so the function only throws when it could not list at all.
/// </summary>
public sealed class Reconcile
{
    private readonly IReadOnlyList<SecretReconciler> _routes;
    private readonly ILogger<Reconcile> _logger;

    /// <param name="routes">Every route's reconciler: one per vault and AWS target (<c>KvReplicator:Vaults</c>, <c>KvReplicator:Targets</c>).</param>
    public Reconcile(IEnumerable<SecretReconciler> routes, ILogger<Reconcile> logger)
    {
        _routes = [.. routes];
        _logger = logger;
    }

    [Function(nameof(Reconcile))]
    public async Task RunAsync([TimerTrigger("%KvReplicator:Reconcile:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ReconcileReport report = await RoutedReconcile.ReconcileAsync(_routes, new ReconcileRequest(), progress: null, cancellationToken).ConfigureAwait(false);
        ReconcileReportLog.Write(_logger, report);
    }
}
