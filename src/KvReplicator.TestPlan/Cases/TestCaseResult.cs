namespace KvReplicator.TestPlan.Cases;

/// <summary>One row of the report: the case, its verdict, what was measured, and the checks behind the verdict.</summary>
public sealed record TestCaseResult(int Number, string Name, TestCaseStatus Status, string Measured, IReadOnlyList<string> Checks, double DurationMs)
{
    public static TestCaseResult NotRun(ITestCase testCase, string reason) =>
        new(testCase.Number, testCase.Name, TestCaseStatus.NotRun, reason, [], 0);
}
