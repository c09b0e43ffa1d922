using System.Text.Json.Nodes;
using KvReplicator.Cli.Output;
using KvReplicator.TestPlan.Replication;
using KvReplicator.TestPlan.Targets;
using Spectre.Console;

namespace KvReplicator.DevTools.Demo;

/// <summary>How <c>kvrep-dev demo</c> shows a replication run: tables for people, one JSON object for scripts. Names, counts and hashes only.</summary>
internal static class DemoReport
{
    public static JsonObject ToJson(ReplicationReport report, DeliveryTally deliveries, string schema)
    {
        var secrets = new JsonArray();
        foreach (SecretReport secret in report.Secrets)
        {
            secrets.Add(new JsonObject
            {
                ["name"] = secret.Name,
                ["targetName"] = secret.TargetName,
                ["versionsWritten"] = secret.VersionsWritten,
                ["replicated"] = secret.Replicated,
                ["lost"] = secret.Lost,
                ["valueMismatches"] = secret.ValueMismatches,
                ["duplicateAwsVersions"] = secret.DuplicateAwsVersions,
                ["currentMatches"] = secret.CurrentMatches,
                ["maxLagMs"] = secret.MaxLagMs is { } lag ? Math.Round(lag, 1) : null,
                ["formats"] = new JsonArray([.. secret.Formats.Select(f => JsonValue.Create(f))]),
                ["largestValueBytes"] = secret.LargestValueBytes,
            });
        }

        return new JsonObject
        {
            ["succeeded"] = report.Succeeded,
            ["secrets"] = report.Secrets.Count,
            ["versionsWritten"] = report.VersionsWritten,
            ["replicated"] = report.Replicated,
            ["lost"] = report.Lost,
            ["valueMismatches"] = report.ValueMismatches,
            ["duplicateAwsVersions"] = report.DuplicateAwsVersions,
            ["currentMismatches"] = report.CurrentMismatches,
            ["lagP50Ms"] = Math.Round(report.Lag.P50Ms, 1),
            ["lagP95Ms"] = Math.Round(report.Lag.P95Ms, 1),
            ["lagMaxMs"] = Math.Round(report.Lag.MaxMs, 1),
            ["lagMeasurement"] = ReplicationReport.LagMeasurement,
            ["elapsedMs"] = Math.Round(report.Elapsed.TotalMilliseconds),
            ["seed"] = report.Seed,
            ["schema"] = schema,
            ["eventGrid"] = new JsonObject
            {
                ["delivered"] = deliveries.Delivered,
                ["retried"] = deliveries.Retried,
                ["deadLettered"] = deliveries.DeadLettered,
                ["duplicated"] = deliveries.Duplicated,
            },
            ["perSecret"] = secrets,
        };
    }

    public static void Render(ReportWriter output, ReplicationReport report, DeliveryTally deliveries)
    {
        var perSecret = new ReportTable { Title = "Secrets: Key Vault -> Secrets Manager" }
            .AddColumns("Secret", "Versions", "Replicated", "Lost", "Duplicates", "AWSCURRENT", "Max lag", "Formats", "Largest");
        foreach (SecretReport secret in report.Secrets)
        {
            perSecret.AddRow(
                secret.Name,
                Count(secret.VersionsWritten),
                Count(secret.Replicated),
                ReportText.Problems(secret.Lost + secret.ValueMismatches),
                ReportText.Problems(secret.DuplicateAwsVersions),
                secret.CurrentMatches ? new ReportText("latest", Color.Green) : new ReportText("WRONG", Color.Red),
                secret.MaxLagMs is { } lag ? $"{lag:0} ms" : "-",
                string.Join(", ", secret.Formats),
                $"{secret.LargestValueBytes} B");
        }

        output.Write(perSecret);

        var summary = new ReportTable { Title = "Summary" }.AddColumns("", "");
        summary.AddRow("Versions written", Count(report.VersionsWritten));
        summary.AddRow("Replicated (value verified by SHA-256)", Count(report.Replicated));
        summary.AddRow("Lost", ReportText.Problems(report.Lost));
        summary.AddRow("Wrong value", ReportText.Problems(report.ValueMismatches));
        summary.AddRow("Duplicate AWS versions", ReportText.Problems(report.DuplicateAwsVersions));
        summary.AddRow("AWSCURRENT mismatches", ReportText.Problems(report.CurrentMismatches));
        summary.AddRow("End-to-end lag p50 / p95 / max", $"{report.Lag.P50Ms:0} / {report.Lag.P95Ms:0} / {report.Lag.MaxMs:0} ms");
        summary.AddRow("Event Grid deliveries (retried, dead-lettered, duplicated)", $"{deliveries.Delivered} ({deliveries.Retried}, {deliveries.DeadLettered}, {deliveries.Duplicated})");
        summary.AddRow("Seed", report.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        output.Write(summary);
        output.WriteLine(new ReportText($"Lag: {ReplicationReport.LagMeasurement}.", Color.Grey));
        output.WriteLine(report.Succeeded
            ? new ReportText($"OK: every one of {report.VersionsWritten} versions reached Secrets Manager once, with its value, and AWSCURRENT is the latest everywhere.", Color.Green)
            : new ReportText("FAILED: see the rows above.", Color.Red));
    }

    private static string Count(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
