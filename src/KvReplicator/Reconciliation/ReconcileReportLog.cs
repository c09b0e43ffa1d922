using Microsoft.Extensions.Logging;

namespace KvReplicator.Reconciliation;

/// <summary>
/// How a scheduled reconcile (the Functions <c>Reconcile</c> timer, <c>kvrep serve</c>'s own schedule) reports a
/// run where nobody reads a table: one line per secret that was not in sync or failed, then a summary. Names and
/// version ids only; a report never holds a value.
/// </summary>
internal static partial class ReconcileReportLog
{
    public static void Write(ILogger logger, ReconcileReport report)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(report);
        foreach (ReconcileItem item in report.Items.Where(item => item.DriftFound || item.Status == ReconcileItemStatus.Failed))
        {
            string detail = item.Error ?? item.Detail ?? string.Empty;
            string targetName = item.Target is null ? item.TargetName : $"{item.TargetName} (target {item.Target})";
            string version = item.SourceVersion ?? "-";
            if (item.Status == ReconcileItemStatus.Failed)
            {
                LogFailedItem(logger, targetName, item.Kind, item.Actions, version, detail);
            }
            else
            {
                LogItem(logger, targetName, item.Kind, item.Actions, item.Status, version, detail);
            }
        }

        int failed = report.Items.Count(item => item.Status == ReconcileItemStatus.Failed);
        int repaired = report.Items.Count(item => item.Status == ReconcileItemStatus.Applied);
        if (failed > 0)
        {
            LogSummaryWithFailures(logger, report.Items.Count, repaired, failed, report.TargetWrites);
        }
        else
        {
            LogSummary(logger, report.Items.Count, repaired, report.TargetWrites);
        }
    }

    [LoggerMessage(EventId = 800, Level = LogLevel.Information,
        Message = "Reconcile {TargetName}: {Kind}, {Actions} {Status} (version {SecretVersion}) {Detail}")]
    private static partial void LogItem(ILogger logger, string targetName, DriftKind kind, ReconcileActions actions,
        ReconcileItemStatus status, string secretVersion, string detail);

    // A failed secret is retried by the next run; Warning so that it is seen before then.
    [LoggerMessage(EventId = 801, Level = LogLevel.Warning,
        Message = "Reconcile {TargetName}: {Kind}, {Actions} failed (version {SecretVersion}): {Detail}")]
    private static partial void LogFailedItem(ILogger logger, string targetName, DriftKind kind, ReconcileActions actions,
        string secretVersion, string detail);

    [LoggerMessage(EventId = 802, Level = LogLevel.Information,
        Message = "Reconcile finished: {Secrets} secret(s), {Repaired} repaired, {Writes} write(s)")]
    private static partial void LogSummary(ILogger logger, int secrets, int repaired, int writes);

    [LoggerMessage(EventId = 803, Level = LogLevel.Warning,
        Message = "Reconcile finished: {Secrets} secret(s), {Repaired} repaired, {Failed} failed (retried next run), {Writes} write(s)")]
    private static partial void LogSummaryWithFailures(ILogger logger, int secrets, int repaired, int failed, int writes);
}
