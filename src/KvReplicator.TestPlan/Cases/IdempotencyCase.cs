using KvReplicator.TestPlan.Replication;
using KvReplicator.TestPlan.Targets;

namespace KvReplicator.TestPlan.Cases;

/// <summary>Case 2: the same event delivered again (and again) leaves exactly one AWS version for the Key Vault version.</summary>
public sealed class IdempotencyCase : ITestCase
{
    public int Number => 2;

    public string Name => "Idempotency";

    public async Task<TestCaseResult> RunAsync(TestPlanContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Target.Faults is not { } faults)
        {
            return TestCaseResult.NotRun(this, $"re-delivery needs `kvrep replay` of a captured event on this target ({context.Target.FaultsUnavailableReason})");
        }

        var checks = new CaseChecks(this);
        WrittenSecret secret = context.NewSecret("idempotency");
        WrittenVersion version = await context.WriteAndWaitAsync(secret, cancellationToken).ConfigureAwait(false);
        DeliveryTally before = faults.Deliveries;
        int times = context.Options.Redeliveries;

        await faults.RedeliverAsync(secret.Name, version.Version, times, cancellationToken).ConfigureAwait(false);

        DeliveryTally after = faults.Deliveries;
        IReadOnlyList<KvReplicator.SecretsManager.Model.SecretVersionsListEntry> inAws =
            await new SecretsManagerProbe(context.Target.Aws).ListVersionsAsync(secret.TargetName, cancellationToken).ConfigureAwait(false);
        int sameVersion = inAws.Count(v => v.VersionId == version.Version);
        long acknowledged = after.Delivered - before.Delivered;
        checks.Check(acknowledged >= times, $"{acknowledged} of {times} re-deliveries acknowledged by the replicator")
            .Check(after.DeadLettered == before.DeadLettered, "no re-delivery dead-lettered")
            .Check(sameVersion == 1, $"exactly one AWS version for Key Vault version {version.Version} (found {sameVersion})")
            .Check(inAws.Count == 1, $"no other AWS version appeared ({inAws.Count} in total)");
        return checks.Result($"{times} re-deliveries of one event ({acknowledged} acknowledged): {sameVersion} AWS version for the Key Vault version");
    }
}
