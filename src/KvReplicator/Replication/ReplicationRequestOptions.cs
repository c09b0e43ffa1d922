namespace KvReplicator.Replication;

/// <summary>What a caller knows about a version beyond its name, and how it wants it written.</summary>
internal sealed record ReplicationRequestOptions
{
    /// <summary>
    /// When the version was announced (the event's time). Only a hint of which Key Vault read to make first:
    /// a version announced before the secret's current version was created is older, so its own read
    /// suffices; ordering decisions are always taken on the versions' creation times.
    /// </summary>
    public DateTimeOffset? AnnouncedOn { get; init; }

    /// <summary>Take over an existing target without the ownership tag (<c>kvrep sync --adopt</c>).</summary>
    public bool AdoptForeign { get; init; }

    /// <summary>
    /// Converge rather than replicate (<c>kvrep sync</c>): what the ledger says is done or current is not
    /// trusted, because AWS may have changed behind our back. The version is written (a no-op when AWS holds
    /// it) and its stage moved if needed, still under the secret's lock and still never over a newer version.
    /// </summary>
    public bool Reconcile { get; init; }
}
