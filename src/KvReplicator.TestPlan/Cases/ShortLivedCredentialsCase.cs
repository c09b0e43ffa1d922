using KvReplicator.TestPlan.Replication;
using KvReplicator.TestPlan.Targets;

namespace KvReplicator.TestPlan.Cases;

/// <summary>Case 3: the replicator signs with temporary credentials (a session token) and keeps replicating across refreshes.</summary>
public sealed class ShortLivedCredentialsCase : ITestCase
{
    public int Number => 3;

    public string Name => "Short-lived credentials";

    public async Task<TestCaseResult> RunAsync(TestPlanContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Target.Faults is not { } faults)
        {
            return TestCaseResult.NotRun(this,
                $"the replicator's credentials are visible only in its own process ({context.Target.FaultsUnavailableReason}); on a deployment, check its log line naming the credential source and CloudTrail's assumed-role sessions");
        }

        var checks = new CaseChecks(this);
        WrittenSecret secret = context.NewSecret("credentials");
        long issuedAtStart = faults.Credentials.Issued;
        int wanted = context.Options.CredentialRefreshes;
        int maxRounds = wanted + 3;
        for (int round = 0; round < maxRounds; round++)
        {
            await context.WriteAndWaitAsync(secret, cancellationToken).ConfigureAwait(false);
            if (faults.Credentials.Issued - issuedAtStart >= wanted)
            {
                break;
            }

            // The credential must expire before the next version, so its write needs a fresh one.
            await Task.Delay(faults.Credentials.Lifetime, context.Time, cancellationToken).ConfigureAwait(false);
        }

        CredentialTally tally = faults.Credentials;
        // Every credential issued during the case replaced an expired one: each is a refresh the writes went through.
        long refreshes = tally.Issued - issuedAtStart;
        SecretReport report = await context.Scenario.VerifySecretAsync(secret, cancellationToken).ConfigureAwait(false);
        checks.Check(tally.AllHadSessionToken, $"every credential {tally.SourceName} issued was temporary (session token present)")
            .Check(refreshes >= wanted, $"credentials were refreshed {refreshes} times during the case (wanted {wanted})")
            .Check(report.Succeeded, $"{report.Replicated}/{report.VersionsWritten} versions replicated across the refreshes, AWSCURRENT on the latest");
        return checks.Result(
            $"temporary credentials (session token present, lifetime {tally.Lifetime.TotalSeconds:0.#} s); replication continues across {refreshes} refreshes " +
            $"({report.Replicated}/{report.VersionsWritten} versions replicated)");
    }
}
