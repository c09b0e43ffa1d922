using System.Text.Json.Serialization;

namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>A secret with every version it ever had, oldest first, and its soft-delete state.</summary>
internal sealed record StoredSecret
{
    /// <summary>The name as first created; later requests may spell it in any case.</summary>
    public required string Name { get; init; }

    public required IReadOnlyList<StoredSecretVersion> Versions { get; init; }

    public DateTimeOffset? DeletedOn { get; init; }

    public DateTimeOffset? ScheduledPurgeOn { get; init; }

    [JsonIgnore]
    public bool IsDeleted => DeletedOn is not null;

    /// <summary>Key Vault's "latest" is the most recently created version, enabled or not.</summary>
    [JsonIgnore]
    public StoredSecretVersion Latest => Versions[^1];
}
