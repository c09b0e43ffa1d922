using System.Text.Json;
using System.Text.Json.Serialization;
using KvReplicator.Cli.Output;
using KvReplicator.Reconciliation;

namespace KvReplicator.Cli.Reconcile;

/// <summary>Renders a reconcile report on stdout: a table and a summary line for people, or JSON for scripts.</summary>
internal static class ReconcileReportWriter
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Task WriteJsonAsync(ReconcileReport report, TextWriter output) =>
        output.WriteLineAsync(JsonSerializer.Serialize(report, s_json));

    /// <param name="showHashes">Adds the 8-digit SHA-256 prefixes (verify); values themselves are never in a report.</param>
    public static void WriteTable(ReconcileReport report, TextWriter output, bool showHashes)
    {
        var table = new ReportTable().AddColumns("Secret", "AWS name", "State", "Key Vault version", "AWS version");
        if (showHashes)
        {
            table.AddColumns("KV sha256", "AWS sha256");
        }

        table.AddColumns("Action", "Detail");
        foreach (ReconcileItem item in report.Items)
        {
            var cells = new List<string>
            {
                item.SourceName ?? "-", item.TargetName, item.Kind.ToString(), Short(item.SourceVersion), Short(item.TargetVersion),
            };
            if (showHashes)
            {
                cells.Add(item.SourceSha256Prefix ?? "-");
                cells.Add(item.TargetSha256Prefix ?? "-");
            }

            cells.Add(item.Actions == ReconcileActions.None ? item.Status.ToString() : $"{item.Status}: {item.Actions}");
            cells.Add(item.Error ?? item.Detail ?? string.Empty);
            table.AddRow([.. cells.Select(cell => (ReportText)cell)]);
        }

        new ReportWriter(output).Write(table);
        string counts = string.Join(", ", Enum.GetValues<DriftKind>().Select(kind => (kind, count: report.Count(kind))).Where(pair => pair.count > 0).Select(pair => $"{pair.count} {pair.kind}"));
        output.WriteLine(
            $"{report.Items.Count} secret(s){(counts.Length > 0 ? $" ({counts})" : string.Empty)}; " +
            $"{report.Items.Count(item => item.Status == ReconcileItemStatus.Applied)} repaired, " +
            $"{report.Items.Count(item => item.Status == ReconcileItemStatus.Failed)} failed, {report.TargetWrites} writes" +
            (report.DryRun ? " (dry run: nothing was changed)" : string.Empty));
    }

    /// <summary>Version ids are 32 hex digits; eight tell them apart in a table, and <c>--json</c> has them whole.</summary>
    private static string Short(string? version) => version is null ? "-" : version.Length > 8 ? version[..8] : version;
}
