namespace KvReplicator;

/// <summary>Where secrets are replicated to (Secrets Manager).</summary>
internal interface ISecretTarget
{
    /// <summary>
    /// Writes one version idempotently with the stage given: the version id is the write's idempotency token,
    /// so writing the same version twice leaves one target version. Creates or restores the target as needed,
    /// and refuses a target that is not ours.
    /// </summary>
    /// <exception cref="SecretStoreException">The store failed; <see cref="SecretStoreException.IsTransient"/> says whether to retry.</exception>
    Task<TargetWriteResult> WriteAsync(TargetSecretWrite write, CancellationToken cancellationToken = default);

    /// <summary>
    /// True when the target's own takeover policy may take over a secret that is not ours (it adopts, or adopts
    /// when the values are equal), so sync plans a write for it as it does with <c>--adopt</c> and the write
    /// decides. False refuses them unless a write asks (<see cref="TargetSecretWrite.AdoptForeign"/>). No default:
    /// a decorator that forgot to pass it on would silently turn the policy off.
    /// </summary>
    bool MayTakeOver { get; }

    /// <summary>The target's ownership, stages and version ids (no value), or null when it does not exist.</summary>
    Task<TargetSecretSummary?> DescribeAsync(string targetName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="versionId"/> current in place of <paramref name="expectedCurrentVersionId"/>,
    /// only if the target holds that version and the current one is still the expected one.
    /// Returns false, changing nothing, when either condition does not hold.
    /// </summary>
    Task<bool> PromoteAsync(string targetName, string versionId, string expectedCurrentVersionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every target secret whose name starts with <paramref name="namePrefix"/>, and every secret carrying the
    /// ownership tag, including those scheduled for deletion. Reads no value.
    /// </summary>
    IAsyncEnumerable<TargetSecretSummary> ListSecretsAsync(string namePrefix, CancellationToken cancellationToken = default);

    /// <summary>The value of the current version, or null when the target has none (missing or scheduled for deletion).</summary>
    Task<SecretValue?> ReadCurrentValueAsync(string targetName, CancellationToken cancellationToken = default);

    /// <summary>
    /// The value of one version, or null when the target does not hold it (or the secret is missing or scheduled
    /// for deletion). Sync compares it with the source before making that version current: a version id can
    /// have been written by someone else with another value.
    /// </summary>
    Task<SecretValue?> ReadVersionValueAsync(string targetName, string versionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels the scheduled deletion of a secret we own (a no-op when none is scheduled), so that a secret
    /// recovered in the source comes back with its versions instead of being re-created empty.
    /// </summary>
    /// <exception cref="SecretStoreException">The secret is not ours, or the store failed.</exception>
    Task RestoreAsync(string targetName, CancellationToken cancellationToken = default);

    /// <summary>
    /// The metadata changes (tags, description) that bring <paramref name="target"/> in line with its source's
    /// current version, by the target's own rules (which tags it accepts, its own ownership tags). Pure: it reads
    /// and writes nothing, so a plan and a repair agree. Empty when nothing differs.
    /// </summary>
    TargetMetadataUpdate MetadataUpdateFor(SourceSecretVersion source, TargetSecretSummary target);

    /// <summary>Applies a metadata update (tags, description) to a secret we own; no version is written.</summary>
    /// <exception cref="SecretStoreException">The secret is not ours, or the store failed.</exception>
    Task UpdateMetadataAsync(TargetMetadataUpdate update, CancellationToken cancellationToken = default);

    /// <summary>
    /// Compares an existing secret's resource policy, KMS key and replica regions with the target's configuration
    /// (settings otherwise applied only on create and adoption). Reads only, and makes no call when the target
    /// configures none of them. Sync plans from it as it plans from <see cref="MetadataUpdateFor"/>.
    /// </summary>
    /// <exception cref="SecretStoreException">A read failed.</exception>
    Task<TargetSettingsDrift> CompareSettingsAsync(string targetName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Repairs what <see cref="CompareSettingsAsync"/> found on a secret we own, each setting on its own: one
    /// repair failing does not keep the others from being tried. Never removes a policy or a replica.
    /// </summary>
    /// <exception cref="SecretStoreException">The secret is not ours, or a repair failed (the message names each).</exception>
    Task RepairSettingsAsync(TargetSettingsDrift drift, CancellationToken cancellationToken = default);

    /// <summary>Deletes a secret we own; a secret without the ownership tag is refused, never deleted.</summary>
    /// <exception cref="SecretStoreException">The secret is not ours, or the store failed.</exception>
    Task DeleteAsync(string targetName, TargetDeletion deletion, CancellationToken cancellationToken = default);
}
