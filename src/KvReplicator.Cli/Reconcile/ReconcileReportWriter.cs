using KvReplicator.Cli.Output;
using KvReplicator.Reconciliation;

namespace KvReplicator.Cli.Reconcile;

/// <summary>Renders a reconcile report on stdout: a table and a summary line for people, or JSON for scripts.</summary>
internal static class ReconcileReportWriter
{
    public static Task WriteJsonAsync(ReconcileReport report, TextWriter output) => ReportJson.WriteAsync(report, output);

    /// <param name="verify">
    /// The report of <c>kvrep verify</c>: adds the 8-digit SHA-256 prefixes (values themselves are never in a
    /// report) and words the summary as a check, not as a run that could have changed something.
    /// </param>
    public static void WriteTable(ReconcileReport report, TextWriter output, bool verify)
    {
        // Several vaults or AWS targets: each row says which route it is (a single route's table is unchanged).
        bool routed = report.Items.Any(item => item.Target is not null);
        var table = new ReportTable();
        if (routed)
        {
            table.AddColumns("Vault", "Target");
        }

        table.AddColumns("Secret", "AWS name", "State", "Key Vault version", "AWS version");
        bool writes = !report.DryRun;
        if (verify)
        {
            table.AddColumns("KV sha256", "AWS sha256");
        }

        table.AddColumns(verify ? "Sync would" : "Action");
        if (writes)
        {
            table.AddColumns("AWS writes");
        }

        table.AddColumns("Detail");
        foreach (ReconcileItem item in report.Items)
        {
            var cells = new List<string>();
            if (routed)
            {
                cells.Add(item.Vault ?? "-");
                cells.Add(item.Target ?? "-");
            }

            cells.AddRange(
            [
                item.SourceName ?? "-", item.TargetName, State(item), Short(item.SourceVersion), Short(item.TargetVersion),
            ]);
            if (verify)
            {
                cells.Add(item.SourceSha256Prefix ?? "-");
                cells.Add(item.TargetSha256Prefix ?? "-");
            }

            cells.Add(verify ? (item.Actions == ReconcileActions.None ? "-" : item.Actions.ToString())
                : item.Actions == ReconcileActions.None ? item.Status.ToString() : $"{item.Status}: {item.Actions}");
            if (writes)
            {
                cells.Add(item.TargetWrites.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            cells.Add(item.Error ?? item.Detail ?? string.Empty);
            table.AddRow([.. cells.Select(cell => (ReportText)cell)]);
        }

        new ReportWriter(output).Write(table);
        output.WriteLine(Summary(report, verify));
    }

    /// <summary>
    /// One line that keeps apart what was found and what is left: a sync that repaired everything found drift
    /// and left none; a dry run or a verify leaves all it found.
    /// </summary>
    internal static string Summary(ReconcileReport report, bool verify)
    {
        string kinds = string.Join(", ", Enum.GetValues<DriftKind>().Select(kind => (kind, count: report.Count(kind))).Where(pair => pair.count > 0).Select(pair => $"{pair.count} {pair.kind}"));
        string line = $"{report.Items.Count} secret(s){(kinds.Length > 0 ? $" ({kinds})" : string.Empty)}: drift found in {report.DriftFound}";
        int failed = report.Items.Count(item => item.Status == ReconcileItemStatus.Failed);
        if (verify)
        {
            return failed > 0 ? $"{line}; {failed} could not be compared" : line;
        }

        if (report.DryRun)
        {
            return $"{line}, {report.Items.Count(item => item.Status == ReconcileItemStatus.Planned)} would be repaired, drift left in {report.DriftLeft} (dry run: nothing was changed)";
        }

        string calls = report.TargetWritesByOperation.Count == 0
            ? string.Empty
            : $" ({string.Join(", ", report.TargetWritesByOperation.Select(pair => $"{pair.Key} {pair.Value}"))})";
        return $"{line}, {report.Items.Count(item => item.Status == ReconcileItemStatus.Applied)} repaired, {failed} failed, drift left in {report.DriftLeft}; "
            + $"{report.TargetWrites} AWS write call(s){calls}";
    }

    /// <summary>Every kind of drift a secret shows (a stale version with a resource policy out of line names both).</summary>
    private static string State(ReconcileItem item) => item.Drifts.Count == 0 ? item.Kind.ToString() : string.Join(", ", item.Drifts);

    /// <summary>Version ids are 32 hex digits; eight tell them apart in a table, and <c>--json</c> has them whole.</summary>
    private static string Short(string? version) => version is null ? "-" : version.Length > 8 ? version[..8] : version;
}
