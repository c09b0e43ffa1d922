using Azure.Security.KeyVault.Secrets;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;

namespace KvReplicator.TestPlan.Targets;

/// <summary>
/// Where the test plan runs: a Key Vault it writes to, the Secrets Manager it reads back from, the replicator's
/// name mapping, and — only for an in-process local cloud — the faults it may inject.
/// </summary>
public sealed class TestPlanTarget
{
    internal TestPlanTarget(string description, SecretClient vault, SecretsManagerClient aws, SecretNameMapper names, ILocalFaults? faults = null, string? faultsUnavailableReason = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(names);
        Description = description;
        Vault = vault;
        Aws = aws;
        Names = names;
        Faults = faults;
        FaultsUnavailableReason = faults is null
            ? faultsUnavailableReason ?? "fault injection needs the in-process local cloud"
            : null;
    }

    /// <summary>For the report: "local cloud (in-process)", a vault URI, …; never a credential.</summary>
    public string Description { get; }

    public SecretClient Vault { get; }

    /// <summary>Reads what reached AWS; the plan needs only GetSecretValue, ListSecretVersionIds and DescribeSecret.</summary>
    internal SecretsManagerClient Aws { get; }

    /// <summary>The same prefix the replicator is configured with, so the plan looks where it writes.</summary>
    internal SecretNameMapper Names { get; }

    public ILocalFaults? Faults { get; }

    /// <summary>Posts events straight to the replicator's webhook (given with <c>--redeliver-url</c>); case 2 uses it when there are no <see cref="Faults"/>.</summary>
    public HttpEventRedeliverer? Redeliverer { get; init; }

    /// <summary>Why <see cref="Faults"/> is null, for the "not run" rows.</summary>
    public string? FaultsUnavailableReason { get; }

    public string TargetName(string sourceName) =>
        Names.TryMap(sourceName, out string? rejection) ?? throw new ArgumentException(rejection, nameof(sourceName));
}
