using KvReplicator.TestPlan.Replication;

namespace KvReplicator.TestPlan.Cases;

/// <summary>Case 5: end-to-end lag, Key Vault write to AWS version, over case 1's run.</summary>
public sealed class LatencyCase : ITestCase
{
    public int Number => 5;

    public string Name => "Latency";

    public Task<TestCaseResult> RunAsync(TestPlanContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ReplicationReport is not { } report)
        {
            return Task.FromResult(TestCaseResult.NotRun(this, "measured over case 1's run, which did not run"));
        }

        var checks = new CaseChecks(this);
        double budget = context.Options.LagBudget.TotalMilliseconds;
        checks.Check(report.Lag.Count == report.VersionsWritten, $"lag measured for {report.Lag.Count} of {report.VersionsWritten} versions")
            .Check(report.Lag.Count > 0 && report.Lag.P95Ms <= budget, $"p95 {report.Lag.P95Ms:0} ms within the budget of {budget:0} ms");
        return Task.FromResult(checks.Result(
            $"p50 {report.Lag.P50Ms:0} ms, p95 {report.Lag.P95Ms:0} ms, max {report.Lag.MaxMs:0} ms over {report.Lag.Count} versions (poll resolution {context.Options.Replication.PollInterval.TotalMilliseconds:0} ms)"));
    }
}
