using KvReplicator.Cli.Output;
using KvReplicator.Preflight;
using Spectre.Console;

namespace KvReplicator.Cli.Doctor;

/// <summary>Renders <c>kvrep doctor</c>'s checklist on stdout: ✓, ✗ or – per check for people, or JSON for scripts.</summary>
internal static class DoctorReportWriter
{
    public static Task WriteJsonAsync(PreflightReport report, TextWriter output) =>
        ReportJson.WriteAsync(new { report.Passed, report.Checks }, output);

    public static void WriteTable(PreflightReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        var table = new ReportTable().AddColumns("", "Check", "Target", "Detail");
        foreach (PreflightCheck check in report.Checks)
        {
            table.AddRow(Mark(check.Status), check.Store, check.Target, check.Detail);
        }

        var writer = new ReportWriter(output);
        writer.Write(table);
        int failed = report.Checks.Count(check => check.Status == PreflightStatus.Failed);
        writer.WriteLine(new ReportText(
            $"{report.Checks.Count} check(s): {report.Checks.Count(check => check.Status == PreflightStatus.Passed)} passed, {failed} failed, "
            + $"{report.Checks.Count(check => check.Status == PreflightStatus.Skipped)} skipped.",
            failed > 0 ? Color.Red : null));
    }

    private static ReportText Mark(PreflightStatus status) => status switch
    {
        PreflightStatus.Passed => new("✓", Color.Green),
        PreflightStatus.Failed => new("✗", Color.Red),
        _ => new("–"),
    };
}
