using KvReplicator.TestPlan.Replication;
using KvReplicator.TestPlan.Targets;

namespace KvReplicator.TestPlan.Cases;

/// <summary>
/// Case 6: the AWS copy deleted behind the replicator's back comes back with the next version; broken
/// credentials fail deliveries visibly (Event Grid retries) and the replicator catches up once they are
/// restored; a burst under throttling loses nothing and writes nothing twice.
/// </summary>
public sealed class RecoveryCase : ITestCase
{
    public int Number => 6;

    public string Name => "Error handling and recovery";

    public async Task<TestCaseResult> RunAsync(TestPlanContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Target.Faults is not { } faults)
        {
            return TestCaseResult.NotRun(this, $"deleting AWS secrets, breaking credentials and throttling need the in-process local cloud ({context.Target.FaultsUnavailableReason})");
        }

        var checks = new CaseChecks(this);
        try
        {
            string deleted = await DeletedSecretComesBackAsync(context, faults, checks, cancellationToken).ConfigureAwait(false);
            string broken = await BrokenCredentialsCatchUpAsync(context, faults, checks, cancellationToken).ConfigureAwait(false);
            string burst = await BurstUnderThrottlingAsync(context, faults, checks, cancellationToken).ConfigureAwait(false);
            return checks.Result($"{deleted}; {broken}; {burst}");
        }
        finally
        {
            faults.RestoreCredentials();
            faults.SetThrottleRate(0);
        }
    }

    private static async Task<string> DeletedSecretComesBackAsync(TestPlanContext context, ILocalFaults faults, CaseChecks checks, CancellationToken cancellationToken)
    {
        WrittenSecret secret = context.NewSecret("deleted");
        await context.WriteAndWaitAsync(secret, cancellationToken).ConfigureAwait(false);
        await faults.DeleteAwsSecretAsync(secret.TargetName, cancellationToken).ConfigureAwait(false);
        var probe = new SecretsManagerProbe(context.Target.Aws);
        bool gone = (await probe.ListVersionsAsync(secret.TargetName, cancellationToken).ConfigureAwait(false)).Count == 0;

        WrittenVersion next = await context.Scenario.WriteVersionAsync(secret, context.Values.Next(), cancellationToken).ConfigureAwait(false);
        bool arrived = await context.WaitAsync([secret], cancellationToken).ConfigureAwait(false);
        (string VersionId, string Sha256Hex)? current = await probe.GetHashAsync(secret.TargetName, stage: "AWSCURRENT", cancellationToken: cancellationToken).ConfigureAwait(false);
        bool recreated = arrived && current?.VersionId == next.Version && current?.Sha256Hex == next.Sha256Hex;
        checks.Check(gone, "the AWS secret was deleted")
            .Check(recreated, "the next Key Vault version recreated it with that version as AWSCURRENT");
        return $"deleted AWS secret recreated by the next version: {(recreated ? "yes" : "no")}";
    }

    private static async Task<string> BrokenCredentialsCatchUpAsync(TestPlanContext context, ILocalFaults faults, CaseChecks checks, CancellationToken cancellationToken)
    {
        WrittenSecret secret = context.NewSecret("broken-credentials");
        await context.WriteAndWaitAsync(secret, cancellationToken).ConfigureAwait(false);
        DeliveryTally before = faults.Deliveries;
        faults.BreakCredentials();
        // Credentials issued before the break stay valid, and rightly keep being used, until they expire; only then
        // does the replicator need the refused exchange.
        await Task.Delay(faults.Credentials.Lifetime, context.Time, cancellationToken).ConfigureAwait(false);
        WrittenVersion pending = await context.Scenario.WriteVersionAsync(secret, context.Values.Next(), cancellationToken).ConfigureAwait(false);

        // Broken for a while: long enough for Event Grid to see failures and schedule retries.
        long brokenSince = context.Time.GetTimestamp();
        while (context.Time.GetElapsedTime(brokenSince) < context.Options.BrokenFor || faults.Deliveries.Retried == before.Retried)
        {
            if (context.Time.GetElapsedTime(brokenSince) > context.Options.Replication.Timeout)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), context.Time, cancellationToken).ConfigureAwait(false);
        }

        var probe = new SecretsManagerProbe(context.Target.Aws);
        bool heldBack = !(await probe.ListVersionsAsync(secret.TargetName, cancellationToken).ConfigureAwait(false)).Any(v => v.VersionId == pending.Version);
        long failedDeliveries = faults.Deliveries.Retried - before.Retried;
        faults.RestoreCredentials();
        long restoredAt = context.Time.GetTimestamp();
        bool caughtUp = await context.WaitAsync([secret], cancellationToken).ConfigureAwait(false);
        TimeSpan catchUp = context.Time.GetElapsedTime(restoredAt);
        DeliveryTally after = faults.Deliveries;
        checks.Check(failedDeliveries > 0, $"deliveries failed visibly while credentials were broken ({failedDeliveries} retried by Event Grid)")
            .Check(heldBack, "nothing was written while credentials were broken")
            .Check(caughtUp, $"the version arrived {catchUp.TotalMilliseconds:0} ms after credentials were restored")
            .Check(after.DeadLettered == before.DeadLettered, $"no event dead-lettered ({after.DeadLettered - before.DeadLettered})");
        return $"broken credentials: {failedDeliveries} failed deliveries retried, {after.DeadLettered - before.DeadLettered} dead-lettered, caught up {catchUp.TotalMilliseconds:0} ms after restore";
    }

    private static async Task<string> BurstUnderThrottlingAsync(TestPlanContext context, ILocalFaults faults, CaseChecks checks, CancellationToken cancellationToken)
    {
        WrittenSecret secret = context.NewSecret("burst");
        long throttledBefore = faults.ThrottledCalls;
        faults.SetThrottleRate(context.Options.ThrottleRate);
        for (int i = 0; i < context.Options.BurstVersions; i++)
        {
            await context.Scenario.WriteVersionAsync(secret, context.Values.Next(), cancellationToken).ConfigureAwait(false);
        }

        secret.CompleteWriting();
        bool arrived = await context.WaitAsync([secret], cancellationToken).ConfigureAwait(false);
        faults.SetThrottleRate(0);
        long throttled = faults.ThrottledCalls - throttledBefore;
        SecretReport report = await context.Scenario.VerifySecretAsync(secret, cancellationToken).ConfigureAwait(false);
        checks.Check(context.Options.ThrottleRate == 0 || throttled > 0, $"{throttled} Secrets Manager calls were throttled")
            .Check(arrived && report.Lost == 0 && report.ValueMismatches == 0, $"all {report.VersionsWritten} burst versions arrived with their values ({report.Lost} lost)")
            .Check(report.DuplicateAwsVersions == 0, $"no duplicate writes ({report.DuplicateAwsVersions} extra AWS versions)")
            .Check(report.CurrentMatches, "AWSCURRENT is the last version of the burst");
        return $"burst of {report.VersionsWritten} under {context.Options.ThrottleRate:P0} throttling ({throttled} calls throttled): {report.Lost} lost, {report.DuplicateAwsVersions} duplicates";
    }
}
