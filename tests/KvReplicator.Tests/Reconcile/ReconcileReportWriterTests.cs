using System.Text.Json.Nodes;
using KvReplicator.Cli.Reconcile;
using KvReplicator.Reconciliation;

namespace KvReplicator.Tests.Reconcile;

public sealed class ReconcileReportWriterTests
{
    private static readonly ReconcileItem Repaired = new()
    {
        SourceName = "db", TargetName = "kv/db", Kind = DriftKind.Missing, DriftFound = true, Actions = ReconcileActions.Write,
        Status = ReconcileItemStatus.Applied, TargetWrites = 1,
    };

    private static readonly ReconcileItem Fine = new() { SourceName = "api", TargetName = "kv/api", Kind = DriftKind.InSync, DriftFound = false, Status = ReconcileItemStatus.Unchanged };

    [Fact]
    public void A_sync_that_repaired_everything_says_drift_was_found_and_none_is_left_with_the_aws_calls_by_operation()
    {
        var report = new ReconcileReport
        {
            DryRun = false, Items = [Repaired, Fine], TargetWrites = 1, TargetWritesByOperation = new Dictionary<string, int> { ["CreateSecret"] = 1 },
        };

        Assert.Equal(
            "2 secret(s) (1 InSync, 1 Missing): drift found in 1, 1 repaired, 0 failed, drift left in 0; 1 AWS write call(s) (CreateSecret 1)",
            ReconcileReportWriter.Summary(report, verify: false));
    }

    [Fact]
    public void Verify_words_its_summary_as_a_check_not_as_a_dry_run()
    {
        var report = new ReconcileReport { DryRun = true, Items = [Repaired with { Status = ReconcileItemStatus.Planned }, Fine] };

        string summary = ReconcileReportWriter.Summary(report, verify: true);

        Assert.Equal("2 secret(s) (1 InSync, 1 Missing): drift found in 1", summary);
        Assert.Contains("(dry run: nothing was changed)", ReconcileReportWriter.Summary(report, verify: false), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_json_report_says_both_drift_found_and_drift_left()
    {
        var output = new StringWriter();

        await ReconcileReportWriter.WriteJsonAsync(new ReconcileReport { DryRun = false, Items = [Repaired, Fine], TargetWrites = 1 }, output);

        JsonNode json = JsonNode.Parse(output.ToString())!;
        Assert.Equal((1, 0, 1), (json["driftFound"]!.GetValue<int>(), json["driftLeft"]!.GetValue<int>(), json["targetWrites"]!.GetValue<int>()));
        Assert.Null(json["inSync"]);
        JsonNode item = json["items"]![0]!;
        Assert.Equal((true, false, "Applied"), (item["driftFound"]!.GetValue<bool>(), item["driftLeft"]!.GetValue<bool>(), item["status"]!.GetValue<string>()));
    }
}
