namespace KvReplicator.TestPlan.Cases;

public enum TestCaseStatus
{
    Passed,
    Failed,

    /// <summary>The target cannot run it (e.g. fault injection on a real cloud); the reason is in the result.</summary>
    NotRun,
}
