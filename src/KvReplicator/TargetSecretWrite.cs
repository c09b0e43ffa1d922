namespace KvReplicator;

/// <summary>One version to write to the target.</summary>
internal sealed record TargetSecretWrite
{
    /// <summary>The target secret's name (prefix + source name).</summary>
    public required string TargetName { get; init; }

    /// <summary>The source version id, used as the target's version id and idempotency token.</summary>
    public required string VersionId { get; init; }

    public required SecretValue Value { get; init; }

    /// <summary>The stage the version gets; the caller has decided it under the secret's lock.</summary>
    public required TargetVersionStage Stage { get; init; }

    /// <summary>The source secret, recorded on the target as tags when it is created.</summary>
    public required SourceSecretVersion Source { get; init; }

    /// <summary>
    /// The ledger remembers the target as ours and live: write the version straight away. When false the
    /// target is created (a current version) or checked for the managed-by tag first.
    /// </summary>
    public bool TargetKnownOwned { get; init; }

    /// <summary>
    /// Look at the target before writing even a current version (sync): CreateSecret with a token the secret
    /// already holds succeeds without touching its stages, so only DescribeSecret shows what a repair must move.
    /// </summary>
    public bool VerifyTarget { get; init; }

    /// <summary>Take over an existing target without the ownership tag for this write (<c>kvrep sync --adopt</c>).</summary>
    public bool AdoptForeign { get; init; }
}
