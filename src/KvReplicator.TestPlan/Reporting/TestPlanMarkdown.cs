using System.Text;
using KvReplicator.TestPlan.Cases;

namespace KvReplicator.TestPlan.Reporting;

/// <summary>The test-plan report as Markdown: a table with one row per case, then each case's checks.</summary>
public static class TestPlanMarkdown
{
    public static string Render(TestPlanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var markdown = new StringBuilder();
        markdown.AppendLine($"# KvReplicator test plan: {Cell(report.Target)}").AppendLine()
            .AppendLine($"Run `{report.RunId}`: {report.Passed} passed, {report.Failed} failed, {report.NotRun} not run.").AppendLine()
            .AppendLine("| # | Case | Result | Measured |")
            .AppendLine("|---|------|--------|----------|");
        foreach (TestCaseResult result in report.Cases)
        {
            markdown.AppendLine($"| {result.Number} | {Cell(result.Name)} | {Verdict(result.Status)} | {Cell(result.Measured)} |");
        }

        markdown.AppendLine();
        foreach (TestCaseResult result in report.Cases.Where(r => r.Checks.Count > 0))
        {
            markdown.AppendLine($"**{result.Number}. {result.Name}** ({result.DurationMs / 1000:0.0} s)");
            foreach (string check in result.Checks)
            {
                markdown.AppendLine($"- {check}");
            }

            markdown.AppendLine();
        }

        markdown.AppendLine($"Cleanup: {report.Cleanup}.").AppendLine()
            .AppendLine(report.Succeeded ? "**Result: PASSED**" : "**Result: FAILED**");
        return markdown.ToString();
    }

    public static string Verdict(TestCaseStatus status) => status switch
    {
        TestCaseStatus.Passed => "passed",
        TestCaseStatus.Failed => "**FAILED**",
        _ => "not run",
    };

    /// <summary>Keeps a cell on its row: pipes escaped, line breaks flattened.</summary>
    internal static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
