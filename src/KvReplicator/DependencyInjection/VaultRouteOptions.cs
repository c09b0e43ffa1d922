using KvReplicator.KeyVault;
using KvReplicator.Replication;

namespace KvReplicator.DependencyInjection;

/// <summary>
/// One vault of a deployment that serves several (<c>KvReplicator:Vaults:&lt;n&gt;</c>): the same two sections a
/// single-vault deployment sets at <c>KvReplicator:KeyVault</c> and <c>KvReplicator:Replication</c>, per vault.
/// </summary>
internal sealed class VaultRouteOptions
{
    /// <summary>Where the vault is and how to reach it (<c>KvReplicator:Vaults:&lt;n&gt;:KeyVault</c>).</summary>
    public KeyVaultOptions KeyVault { get; set; } = new();

    /// <summary>
    /// Which of its secrets are replicated and under which names (<c>KvReplicator:Vaults:&lt;n&gt;:Replication</c>:
    /// TargetPrefix, IncludeNamePatterns, ExcludeNamePatterns, RequiredTagName, RequiredTagValue, ExcludedSecretNames).
    /// The settings of the whole deployment (LockDuration, InFlightWait, MaxParallelEventsPerDelivery) are read
    /// from <c>KvReplicator:Replication</c>.
    /// </summary>
    public ReplicationOptions Replication { get; set; } = new();
}
