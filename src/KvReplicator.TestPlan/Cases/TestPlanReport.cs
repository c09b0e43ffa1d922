namespace KvReplicator.TestPlan.Cases;

/// <summary>The whole run: one result per case, and what cleanup did.</summary>
public sealed record TestPlanReport(string Target, string RunId, IReadOnlyList<TestCaseResult> Cases, string Cleanup)
{
    public int Passed => Cases.Count(c => c.Status == TestCaseStatus.Passed);

    public int Failed => Cases.Count(c => c.Status == TestCaseStatus.Failed);

    public int NotRun => Cases.Count(c => c.Status == TestCaseStatus.NotRun);

    /// <summary>No case failed and at least one ran; "not run" is reported, not counted as a failure.</summary>
    public bool Succeeded => Failed == 0 && Passed > 0;
}
