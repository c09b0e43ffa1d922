using KvReplicator.TestPlan.Replication;

namespace KvReplicator.TestPlan.Cases;

/// <summary>
/// Case 4: N updates of one secret give N AWS versions, the latest AWSCURRENT and the one before AWSPREVIOUS.
/// Each update follows the replication of the one before, as rotations do; Event Grid does not promise order,
/// so updates racing each other would make "previous" a matter of arrival (case 1 and 6 cover that).
/// </summary>
public sealed class VersionPropagationCase : ITestCase
{
    public int Number => 4;

    public string Name => "Version propagation";

    public async Task<TestCaseResult> RunAsync(TestPlanContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var checks = new CaseChecks(this);
        WrittenSecret secret = context.NewSecret("propagation");
        int updates = context.Options.Updates;
        for (int i = 0; i < updates; i++)
        {
            await context.WriteAndWaitAsync(secret, cancellationToken).ConfigureAwait(false);
        }

        SecretReport report = await context.Scenario.VerifySecretAsync(secret, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<WrittenVersion> versions = secret.Versions;
        int awsVersions = report.Replicated + report.ValueMismatches + report.DuplicateAwsVersions;
        checks.Check(report.Replicated == updates && awsVersions == updates, $"{updates} updates gave {awsVersions} AWS versions, {report.Replicated} with the right value")
            .Check(report.CurrentMatches, "AWSCURRENT is the latest update")
            .Check(report.PreviousVersion == versions[^2].Version, "AWSPREVIOUS is the update before it");
        return checks.Result($"{updates} updates -> {awsVersions} AWS versions; AWSCURRENT = latest: {(report.CurrentMatches ? "yes" : "no")}; AWSPREVIOUS = previous: {(report.PreviousVersion == versions[^2].Version ? "yes" : "no")}");
    }
}
