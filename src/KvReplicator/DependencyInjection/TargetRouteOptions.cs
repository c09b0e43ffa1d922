using KvReplicator.Credentials;
using KvReplicator.SecretsManager;

namespace KvReplicator.DependencyInjection;

/// <summary>
/// One AWS target of a deployment that writes to several (<c>KvReplicator:Targets:&lt;n&gt;</c>): an account and
/// region with its own credentials. Each target is replicated to exactly once and in order on its own ledger
/// records, so one target's outage never holds up or repeats the writes to another.
/// </summary>
internal sealed class TargetRouteOptions
{
    /// <summary>
    /// The target's name: letters, digits and dashes, unique in the deployment. It names the target's ledger
    /// records (<c>targets/&lt;id&gt;/…</c>), the <c>kvrep.target</c> metric tag and the Target column of
    /// sync, verify and status; renaming it starts the target's records afresh (every version is written again, as no-ops).
    /// </summary>
    public string? Id { get; set; }

    /// <summary>The vaults (by name) replicated to this target; empty (the default) means every configured vault.</summary>
    public IList<string> Vaults { get; set; } = [];

    /// <summary>
    /// Prepended to the vault's own <c>Replication:TargetPrefix</c> for this target's names, e.g. <c>team-a/</c>.
    /// Only the characters Secrets Manager allows in names. Empty by default.
    /// </summary>
    public string TargetPrefix { get; set; } = string.Empty;

    /// <summary>
    /// This target's name template (<c>{prefix}</c>, <c>{vault}</c>, <c>{name}</c>, as
    /// <c>KvReplicator:Replication:TargetNameTemplate</c>); null (the default) uses each vault's own template.
    /// <c>{prefix}</c> stands for this target's prefix followed by the vault's.
    /// </summary>
    public string? TargetNameTemplate { get; set; }

    /// <summary>
    /// The account's Secrets Manager (<c>KvReplicator:Targets:&lt;n&gt;:SecretsManager</c>): the same settings as
    /// <c>KvReplicator:SecretsManager</c> (Region, ServiceUrl, KmsKeyId, ReplicaRegions, ...).
    /// </summary>
    public SecretsManagerOptions SecretsManager { get; set; } = new();

    /// <summary>
    /// The account's credentials (<c>KvReplicator:Targets:&lt;n&gt;:Credentials</c>, the same settings as
    /// <c>KvReplicator:Credentials</c>: its own Roles Anywhere profile and role, or web-identity role). When
    /// absent, the deployment's <c>KvReplicator:Credentials</c> are used.
    /// </summary>
    public CredentialsOptions? Credentials { get; set; }

    /// <summary>
    /// The target's AWS account, 12 digits; optional. It tells which targets share AWS's write quota (per account
    /// and Region) when the credentials do not name a role (the SDK's default credentials); with a role it must be
    /// the role's account. A target's own write limit is its <c>WriteRateLimit</c> section (read by
    /// <see cref="TargetWriteQuotas"/>, over <c>KvReplicator:WriteRateLimit</c>).
    /// </summary>
    public string? AccountId { get; set; }
}
