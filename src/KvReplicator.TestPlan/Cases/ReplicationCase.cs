using KvReplicator.TestPlan.Replication;

namespace KvReplicator.TestPlan.Cases;

/// <summary>Case 1: random secrets with random versions all reach AWS, AWSCURRENT on the latest value. <c>kvrep-dev demo</c> runs the same scenario.</summary>
public sealed class ReplicationCase : ITestCase
{
    public int Number => 1;

    public string Name => "Replication";

    public async Task<TestCaseResult> RunAsync(TestPlanContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var checks = new CaseChecks(this);
        ReplicationReport report;
        try
        {
            report = await context.Scenario.RunAsync(context.Options.Replication, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            context.Remember(context.Scenario.Written);
        }

        context.ReplicationReport = report;
        checks.Check(report.Lost == 0, $"every version reached AWS ({report.Lost} lost)")
            .Check(report.ValueMismatches == 0, $"every AWS version holds the Key Vault value, compared by SHA-256 ({report.ValueMismatches} differ)")
            .Check(report.DuplicateAwsVersions == 0, $"no version written twice ({report.DuplicateAwsVersions} extra AWS versions)")
            .Check(report.CurrentMismatches == 0, $"AWSCURRENT is the latest Key Vault value for every secret ({report.CurrentMismatches} mismatches)");
        string formats = string.Join("/", report.Secrets.SelectMany(s => s.Formats).Distinct().Order(StringComparer.Ordinal));
        int largest = report.Secrets.Count == 0 ? 0 : report.Secrets.Max(s => s.LargestValueBytes);
        return checks.Result(
            $"{report.Secrets.Count} secrets, {report.VersionsWritten} versions ({formats}, up to {largest} B): {report.Replicated} replicated, " +
            $"{report.Lost} lost, {report.DuplicateAwsVersions} duplicates, {report.CurrentMismatches} AWSCURRENT mismatches (seed {report.Seed})");
    }
}
