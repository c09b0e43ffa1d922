using System.Text.Json.Nodes;
using KvReplicator.Cli.Output;
using KvReplicator.DevTools.Demo;
using KvReplicator.TestPlan.Replication;
using KvReplicator.TestPlan.Statistics;
using KvReplicator.TestPlan.Targets;

namespace KvReplicator.Tests.DevTools.Demo;

public sealed class DemoReportTests
{
    private static readonly ReplicationReport s_report = new(
        [
            new SecretReport("app-db", "app-db", 3, 3, 0, 0, 0, true, "v3", "v2", 420, ["json", "pem"], 2048),
            new SecretReport("api-key", "api-key", 2, 1, 1, 0, 1, false, "v1", null, 900, ["text"], 12),
        ],
        new LagSummary(4, 300, 900, 900),
        TimeSpan.FromSeconds(3),
        Seed: 99);

    [Fact]
    public void Json_has_the_summary_fields_scripts_rely_on()
    {
        JsonObject json = DemoReport.ToJson(s_report, new DeliveryTally(5, 1, 0, 0), "eventgrid");

        Assert.Equal(5, (int)json["versionsWritten"]!);
        Assert.Equal(4, (int)json["replicated"]!);
        Assert.Equal(1, (int)json["lost"]!);
        Assert.Equal(1, (int)json["duplicateAwsVersions"]!);
        Assert.Equal(1, (int)json["currentMismatches"]!);
        Assert.Equal(300, (double)json["lagP50Ms"]!);
        Assert.Equal(900, (double)json["lagP95Ms"]!);
        Assert.Equal(900, (double)json["lagMaxMs"]!);
        Assert.False((bool)json["succeeded"]!);
        Assert.Equal(2, json["perSecret"]!.AsArray().Count);
        Assert.Equal(1L, (long)json["eventGrid"]!["retried"]!);
    }

    [Fact]
    public void Tables_show_each_secret_the_summary_and_the_verdict_as_plain_text_when_not_a_terminal()
    {
        var output = new StringWriter();

        DemoReport.Render(new ReportWriter(output), s_report, new DeliveryTally(5, 1, 0, 0));

        string text = output.ToString();
        Assert.Contains("app-db", text, StringComparison.Ordinal);
        Assert.Contains("api-key", text, StringComparison.Ordinal);
        Assert.Contains("WRONG", text, StringComparison.Ordinal);
        Assert.Contains("300 / 900 / 900 ms", text, StringComparison.Ordinal);
        Assert.Contains("FAILED", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", text, StringComparison.Ordinal);
    }
}
