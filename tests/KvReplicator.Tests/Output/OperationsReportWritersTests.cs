using System.Text.Json.Nodes;
using KvReplicator.Cli.Doctor;
using KvReplicator.Cli.Status;
using KvReplicator.Preflight;
using KvReplicator.Reconciliation;
using KvReplicator.Status;

namespace KvReplicator.Tests.Output;

/// <summary><c>kvrep doctor</c>'s checklist and <c>kvrep status</c>'s table as a pipe gets them, and their JSON.</summary>
public sealed class OperationsReportWritersTests
{
    private static readonly PreflightReport s_checklist = new(
    [
        new PreflightCheck("Settings", "-", PreflightStatus.Passed, "every setting is valid"),
        new PreflightCheck("Key Vault", "https://kv/ (vault 'kv')", PreflightStatus.Failed, "the vault's TLS certificate is not trusted.", PreflightFailure.Refused),
        new PreflightCheck("Secrets Manager", "-", PreflightStatus.Skipped, "not checked: AWS credentials did not pass"),
    ]);

    [Fact]
    public void The_doctors_checklist_marks_each_check_and_counts_them()
    {
        var output = new StringWriter { NewLine = "\n" };

        DoctorReportWriter.WriteTable(s_checklist, output);

        string[] lines = output.ToString().Split('\n');
        Assert.StartsWith("✓  Settings", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("✗  Key Vault", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("–  Secrets Manager", lines[3], StringComparison.Ordinal);
        Assert.Contains("3 check(s): 1 passed, 1 failed, 1 skipped.", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_doctors_json_has_the_verdict_and_every_check()
    {
        var output = new StringWriter();

        await DoctorReportWriter.WriteJsonAsync(s_checklist, output);

        JsonNode json = JsonNode.Parse(output.ToString())!;
        Assert.False(json["passed"]!.GetValue<bool>());
        Assert.Equal("Refused", json["checks"]![1]!["failure"]!.GetValue<string>());
        Assert.Equal("https://kv/ (vault 'kv')", json["checks"]![1]!["target"]!.GetValue<string>());
    }

    [Fact]
    public void The_status_table_says_states_in_words_and_shortens_versions()
    {
        var report = new StatusReport
        {
            Vault = "kv",
            At = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero),
            Secrets =
            [
                new SecretStatus
                {
                    Name = "db", TargetName = "kv/db", State = SecretState.InSync, Drift = DriftKind.InSync,
                    KeyVaultVersion = new string('a', 32), AwsVersion = new string('a', 32), ReplicatedVersion = new string('a', 32),
                    ReplicatedOn = new DateTimeOffset(2026, 12, 1, 7, 59, 58, TimeSpan.Zero), KeyVaultSha256Prefix = "0123abcd", AwsSha256Prefix = "0123abcd",
                },
                new SecretStatus { Name = "skip", State = SecretState.Excluded, Detail = "secret is excluded from replication" },
            ],
        };
        var output = new StringWriter { NewLine = "\n" };

        StatusReportWriter.WriteTable(report, output);

        string text = output.ToString();
        string[] db = Assert.Single(text.Split('\n'), line => line.StartsWith("db ", StringComparison.Ordinal)).Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["db", "in sync", "aaaaaaaa", "2026-12-01 07:59:58", "aaaaaaaa", "aaaaaaaa", "0123abcd", "0123abcd"], db);
        Assert.Contains(text.Split('\n'), line => line.StartsWith("skip ", StringComparison.Ordinal) && line.Contains("excluded", StringComparison.Ordinal));
        Assert.Contains("2 secret(s) of vault 'kv': 1 in sync, 0 pending, 0 failed, 1 excluded, 0 foreign; compared at 2026-12-01 08:00:00 UTC (no dead-letter container configured)", text, StringComparison.Ordinal);
    }
}
