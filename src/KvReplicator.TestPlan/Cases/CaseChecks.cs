using System.Diagnostics;

namespace KvReplicator.TestPlan.Cases;

/// <summary>Collects a case's checks ("AWSCURRENT is the latest: yes") and turns them into its result.</summary>
internal sealed class CaseChecks(ITestCase testCase)
{
    private readonly List<string> _checks = [];
    private readonly long _started = Stopwatch.GetTimestamp();
    private bool _failed;

    public CaseChecks Check(bool passed, string description)
    {
        _checks.Add($"{(passed ? "ok" : "FAILED")}: {description}");
        _failed |= !passed;
        return this;
    }

    public TestCaseResult Result(string measured) =>
        new(testCase.Number, testCase.Name, _failed ? TestCaseStatus.Failed : TestCaseStatus.Passed, measured, [.. _checks], Stopwatch.GetElapsedTime(_started).TotalMilliseconds);
}
