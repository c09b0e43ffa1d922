using KvReplicator.Diagnostics;

namespace KvReplicator.Reconciliation;

/// <summary>
/// One reconcile over every route of a deployment (one <see cref="SecretReconciler"/> per vault and AWS target),
/// answered as one report whose items name their vault and target. A single route's report is its own, unchanged.
/// </summary>
internal static class RoutedReconcile
{
    /// <summary>
    /// Runs the routes one after the other, each with its own write budget (AWS's quotas are per account and
    /// region). A route that cannot list is one failed item of the report, not the end of the run: the other
    /// targets are still brought in line.
    /// </summary>
    /// <exception cref="SecretStoreException">The only route could not list; nothing was written.</exception>
    public static async Task<ReconcileReport> ReconcileAsync(
        IReadOnlyList<SecretReconciler> routes, ReconcileRequest request, IProgress<ReconcileProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(request);
        if (routes.Count == 1)
        {
            return await routes[0].ReconcileAsync(request, progress, cancellationToken).ConfigureAwait(false);
        }

        var items = new List<ReconcileItem>();
        var excluded = new List<ExcludedSecret>();
        var writesByOperation = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int writes = 0;
        DateTimeOffset? startedAt = null;
        DateTimeOffset finishedAt = default;
        foreach (SecretReconciler route in routes)
        {
            string target = route.TargetId ?? TelemetryNames.DefaultTarget;
            ReconcileReport report;
            try
            {
                report = await route.ReconcileAsync(request, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (SecretStoreException ex)
            {
                items.Add(new ReconcileItem
                {
                    TargetName = "-", Vault = route.VaultName, Target = target, Kind = DriftKind.Missing, DriftFound = true,
                    Status = ReconcileItemStatus.Failed, Error = $"listing failed, nothing was changed for this target: {ex.Message}",
                });
                continue;
            }

            startedAt ??= report.StartedAt;
            finishedAt = report.FinishedAt;
            items.AddRange(report.Items.Select(item => item with { Vault = route.VaultName, Target = target }));
            excluded.AddRange(report.Excluded);
            writes += report.TargetWrites;
            foreach ((string operation, int count) in report.TargetWritesByOperation)
            {
                writesByOperation[operation] = writesByOperation.GetValueOrDefault(operation) + count;
            }
        }

        return new ReconcileReport
        {
            DryRun = request.DryRun,
            Items = items,
            // A vault's filters are the same for each of its targets: one line per excluded secret.
            Excluded = [.. excluded.Distinct().OrderBy(secret => secret.Name, StringComparer.OrdinalIgnoreCase)],
            TargetWrites = writes,
            TargetWritesByOperation = writesByOperation,
            StartedAt = startedAt ?? finishedAt,
            FinishedAt = finishedAt,
        };
    }
}
