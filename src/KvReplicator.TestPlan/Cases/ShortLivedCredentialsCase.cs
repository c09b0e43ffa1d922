using KvReplicator.TestPlan.Replication;
using KvReplicator.TestPlan.Targets;

namespace KvReplicator.TestPlan.Cases;

/// <summary>
/// Case 3: the replicator signs every Secrets Manager request with temporary credentials (a session token, an
/// <c>ASIA…</c> key) and keeps replicating across refreshes: versions written after a refresh go out signed with
/// the new credentials and arrive.
/// </summary>
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
        CredentialTally atStart = faults.Credentials;
        int wanted = context.Options.CredentialRefreshes;
        int maxRounds = wanted + 3;
        // Versions whose writes went out signed with an access key first seen in that round: written after a refresh.
        int writtenAfterRefresh = 0;
        int distinctAtFirstWrite = 0;
        for (int round = 0; round < maxRounds; round++)
        {
            int distinctBefore = faults.Credentials.DistinctAccessKeys;
            await context.WriteAndWaitAsync(secret, cancellationToken).ConfigureAwait(false);
            int distinctAfter = faults.Credentials.DistinctAccessKeys;
            if (round == 0)
            {
                distinctAtFirstWrite = distinctAfter;
            }
            else if (distinctAfter > distinctBefore)
            {
                writtenAfterRefresh++;
            }

            if (writtenAfterRefresh >= wanted)
            {
                break;
            }

            // Outlive the session, so the next version's write needs credentials from a new one.
            await Task.Delay(faults.Credentials.Lifetime, context.Time, cancellationToken).ConfigureAwait(false);
        }

        CredentialTally atEnd = faults.Credentials;
        long signed = atEnd.SignedRequests - atStart.SignedRequests;
        long withToken = atEnd.WithSessionToken - atStart.WithSessionToken;
        long temporaryKey = atEnd.WithTemporaryKey - atStart.WithTemporaryKey;
        // The key that signed the first write, plus each new one after it.
        int distinctUsed = 1 + (atEnd.DistinctAccessKeys - distinctAtFirstWrite);
        long sessions = atEnd.SessionsIssued - atStart.SessionsIssued;
        SecretReport report = await context.Scenario.VerifySecretAsync(secret, cancellationToken).ConfigureAwait(false);
        checks.Check(signed > 0 && withToken == signed, $"{withToken}/{signed} Secrets Manager requests signed during the case carried a session token")
            .Check(temporaryKey == signed, $"{temporaryKey}/{signed} were signed with a temporary (ASIA…) access key from {atEnd.SourceName}")
            .Check(distinctUsed >= 2, $"{distinctUsed} distinct session credentials signed the case's writes (STS issued {sessions} sessions during the case)")
            .Check(writtenAfterRefresh >= wanted, $"{writtenAfterRefresh} versions were written with credentials refreshed since the previous one (wanted {wanted})")
            .Check(report.Succeeded, $"{report.Replicated}/{report.VersionsWritten} versions replicated across the refreshes, AWSCURRENT on the latest");
        return checks.Result(
            $"{atEnd.SourceName}: session token on {withToken}/{signed} signed requests, {distinctUsed} distinct access keys " +
            $"(session lifetime {atEnd.Lifetime.TotalSeconds:0.#} s); {writtenAfterRefresh} versions written after a refresh, " +
            $"{report.Replicated}/{report.VersionsWritten} versions replicated");
    }
}
