namespace KvReplicator.TestPlan.Targets;

/// <summary>
/// What only an in-process local cloud lets the test plan do to the replicator: re-deliver events, watch and
/// break its AWS credentials, throttle Secrets Manager, delete the AWS copy behind its back. Real targets and
/// an attached <c>kvrep-dev localcloud</c> have none of it, and the cases that need it report "not run".
/// </summary>
public interface ILocalFaults
{
    /// <summary>Event Grid's counters for the replicator's subscription.</summary>
    DeliveryTally Deliveries { get; }

    /// <summary>What the replicator's Secrets Manager requests were signed with, and the sessions STS issued.</summary>
    CredentialTally Credentials { get; }

    /// <summary>Calls to Secrets Manager answered with ThrottlingException by the fault injector.</summary>
    long ThrottledCalls { get; }

    /// <summary>Publishes <paramref name="times"/> more <c>SecretNewVersionCreated</c> events for the version and waits until Event Grid is idle.</summary>
    Task RedeliverAsync(string secretName, string version, int times, CancellationToken cancellationToken = default);

    /// <summary>
    /// From now on the replicator's credential exchange is refused, as with a revoked role or a broken trust. Credentials
    /// issued before stay valid, and are used, until they expire (at most <see cref="CredentialTally.Lifetime"/>).
    /// </summary>
    void BreakCredentials();

    void RestoreCredentials();

    /// <summary>The fraction (0..1) of Secrets Manager calls answered with ThrottlingException.</summary>
    void SetThrottleRate(double rate);

    /// <summary>Deletes the AWS secret at once (no recovery window), as an operator's mistake would.</summary>
    Task DeleteAwsSecretAsync(string targetName, CancellationToken cancellationToken = default);
}
