namespace KvReplicator.DependencyInjection;

/// <summary>
/// Several vaults (<c>KvReplicator:Vaults</c>) and several AWS targets (<c>KvReplicator:Targets</c>) in one
/// deployment. Both lists are optional: without <c>Vaults</c> the one vault is <c>KvReplicator:KeyVault</c> with
/// <c>KvReplicator:Replication</c>, without <c>Targets</c> the one target is <c>KvReplicator:SecretsManager</c>
/// with <c>KvReplicator:Credentials</c>, so a single-vault, single-target configuration is unchanged.
/// Every vault is replicated to every target that lists it (or lists none). Checked at start by
/// <see cref="ReplicationRoutesOptionsValidator"/>.
/// </summary>
internal sealed class ReplicationRoutesOptions
{
    /// <summary>Bound from the whole <c>KvReplicator</c> section: its <c>Vaults</c> and <c>Targets</c> keys.</summary>
    public const string SectionName = "KvReplicator";

    public IList<VaultRouteOptions> Vaults { get; set; } = [];

    public IList<TargetRouteOptions> Targets { get; set; } = [];

    /// <summary>True when either list is set, so the routes are composed from the lists rather than the single sections.</summary>
    public bool IsConfigured => Vaults.Count > 0 || Targets.Count > 0;
}
