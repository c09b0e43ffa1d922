using KvReplicator.TestPlan.Cases;
using KvReplicator.TestPlan.Reporting;

namespace KvReplicator.Tests.Reporting;

public sealed class TestPlanMarkdownTests
{
    private static readonly TestPlanReport s_report = new(
        "local cloud (in-process)",
        "0a1b2c3d",
        [
            new TestCaseResult(1, "Replication", TestCaseStatus.Passed, "3 secrets | 6 versions", ["ok: every version reached AWS (0 lost)"], 1200),
            new TestCaseResult(2, "Idempotency", TestCaseStatus.NotRun, "needs kvrep replay", [], 0),
            new TestCaseResult(6, "Error handling and recovery", TestCaseStatus.Failed, "stopped by\nTimeout", ["FAILED: caught up"], 300),
        ],
        "deleted 3 Key Vault secrets");

    [Fact]
    public void Every_case_is_one_table_row_with_its_verdict_and_measurement()
    {
        string[] lines = TestPlanMarkdown.Render(s_report).Split('\n');

        Assert.Contains("| # | Case | Result | Measured |", lines);
        Assert.Contains(@"| 1 | Replication | passed | 3 secrets \| 6 versions |", lines);
        Assert.Contains("| 2 | Idempotency | not run | needs kvrep replay |", lines);
        Assert.Contains("| 6 | Error handling and recovery | **FAILED** | stopped by Timeout |", lines);
    }

    [Fact]
    public void Checks_cleanup_and_the_overall_verdict_follow_the_table()
    {
        string markdown = TestPlanMarkdown.Render(s_report);

        Assert.Contains("- ok: every version reached AWS (0 lost)", markdown, StringComparison.Ordinal);
        Assert.Contains("- FAILED: caught up", markdown, StringComparison.Ordinal);
        Assert.Contains("Cleanup: deleted 3 Key Vault secrets.", markdown, StringComparison.Ordinal);
        Assert.Contains("1 passed, 1 failed, 1 not run", markdown, StringComparison.Ordinal);
        Assert.EndsWith("**Result: FAILED**" + Environment.NewLine, markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_run_is_not_a_failure_but_a_run_needs_one_passed_case()
    {
        Assert.False(s_report.Succeeded);
        Assert.True((s_report with { Cases = s_report.Cases.Where(c => c.Status != TestCaseStatus.Failed).ToArray() }).Succeeded);
        Assert.False((s_report with { Cases = s_report.Cases.Where(c => c.Status == TestCaseStatus.NotRun).ToArray() }).Succeeded);
    }

    [Fact]
    public void Json_names_are_camel_case_and_statuses_are_strings()
    {
        string json = System.Text.Json.JsonSerializer.Serialize(s_report, ReportJson.Options);

        Assert.Contains("\"status\": \"notRun\"", json, StringComparison.Ordinal);
        Assert.Contains("\"succeeded\": false", json, StringComparison.Ordinal);
        Assert.Contains("\"measured\": \"3 secrets | 6 versions\"", json, StringComparison.Ordinal);
    }
}
