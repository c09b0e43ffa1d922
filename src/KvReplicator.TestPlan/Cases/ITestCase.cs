namespace KvReplicator.TestPlan.Cases;

/// <summary>One case of the test plan.</summary>
public interface ITestCase
{
    int Number { get; }

    string Name { get; }

    Task<TestCaseResult> RunAsync(TestPlanContext context, CancellationToken cancellationToken = default);
}
