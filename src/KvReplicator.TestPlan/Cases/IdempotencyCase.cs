using KvReplicator.SecretsManager.Model;
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
        if (context.Target.Faults is { } faults)
        {
            return await RunThroughLocalGridAsync(context, faults, cancellationToken).ConfigureAwait(false);
        }

        if (context.Target.Redeliverer is { } redeliverer)
        {
            return await RunThroughWebhookAsync(context, redeliverer, cancellationToken).ConfigureAwait(false);
        }

        return TestCaseResult.NotRun(this, $"re-delivery needs --redeliver-url (the replicator's Event Grid webhook, on a real deployment) or an in-process local cloud ({context.Target.FaultsUnavailableReason})");
    }

    private async Task<TestCaseResult> RunThroughLocalGridAsync(TestPlanContext context, ILocalFaults faults, CancellationToken cancellationToken)
    {
        var checks = new CaseChecks(this);
        WrittenSecret secret = context.NewSecret("idempotency");
        WrittenVersion version = await context.WriteAndWaitAsync(secret, cancellationToken).ConfigureAwait(false);
        DeliveryTally before = faults.Deliveries;
        int times = context.Options.Redeliveries;

        await faults.RedeliverAsync(secret.Name, version.Version, times, cancellationToken).ConfigureAwait(false);

        DeliveryTally after = faults.Deliveries;
        IReadOnlyList<SecretVersionsListEntry> inAws =
            await new SecretsManagerProbe(context.Target.Aws).ListVersionsAsync(secret.TargetName, cancellationToken).ConfigureAwait(false);
        int sameVersion = inAws.Count(v => v.VersionId == version.Version);
        long acknowledged = after.Delivered - before.Delivered;
        checks.Check(acknowledged >= times, $"{acknowledged} of {times} re-deliveries acknowledged by the replicator")
            .Check(after.DeadLettered == before.DeadLettered, "no re-delivery dead-lettered")
            .Check(sameVersion == 1, $"exactly one AWS version for Key Vault version {version.Version} (found {sameVersion})")
            .Check(inAws.Count == 1, $"no other AWS version appeared ({inAws.Count} in total)");
        return checks.Result($"{times} re-deliveries of one event ({acknowledged} acknowledged): {sameVersion} AWS version for the Key Vault version");
    }

    private async Task<TestCaseResult> RunThroughWebhookAsync(TestPlanContext context, HttpEventRedeliverer redeliverer, CancellationToken cancellationToken)
    {
        var checks = new CaseChecks(this);
        WrittenSecret secret = context.NewSecret("idempotency");
        WrittenVersion version = await context.WriteAndWaitAsync(secret, cancellationToken).ConfigureAwait(false);
        int times = context.Options.Redeliveries;

        // The webhook answers only after the replicator has handled the event, so AWS is settled once the posts return.
        RedeliveryOutcome outcome = await redeliverer.RedeliverAsync(secret.Name, version.Version, times, cancellationToken).ConfigureAwait(false);

        IReadOnlyList<SecretVersionsListEntry> inAws =
            await new SecretsManagerProbe(context.Target.Aws).ListVersionsAsync(secret.TargetName, cancellationToken).ConfigureAwait(false);
        int sameVersion = inAws.Count(v => v.VersionId == version.Version);
        checks.Check(outcome.Acknowledged == times, $"{outcome.Acknowledged} of {times} re-deliveries to {redeliverer.Description} acknowledged (HTTP {string.Join(", ", outcome.StatusCodes)})")
            .Check(sameVersion == 1, $"exactly one AWS version for Key Vault version {version.Version} (found {sameVersion})")
            .Check(inAws.Count == 1, $"no other AWS version appeared ({inAws.Count} in total)");
        return checks.Result($"{times} re-deliveries of one event posted to the webhook ({outcome.Acknowledged} acknowledged): {sameVersion} AWS version for the Key Vault version");
    }
}
