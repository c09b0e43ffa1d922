using KvReplicator.Replication;

namespace KvReplicator.Reconciliation;

/// <summary>
/// Carries out what <see cref="DriftPlanner"/> planned for one secret. Versions and stages are written by the
/// event pipeline's <see cref="SecretReplicator"/> under the secret's lock (same idempotency token, same
/// ownership guard, same strict order); restores, metadata, settings and deletions, which move no stage, go
/// straight to the <see cref="ISecretTarget"/>.
/// </summary>
internal sealed class DriftRepairer
{
    private const ReconcileActions SettingsActions = ReconcileActions.PutResourcePolicy | ReconcileActions.UpdateKmsKey | ReconcileActions.AddReplicaRegions;

    private readonly ISecretSource _source;
    private readonly ISecretTarget _target;
    private readonly SecretReplicator? _replicator;
    private readonly ReconcileOptions _options;

    public DriftRepairer(ISecretSource source, ISecretTarget target, SecretReplicator? replicator, ReconcileOptions options)
    {
        _source = source;
        _target = target;
        _replicator = replicator;
        _options = options;
    }

    /// <param name="item">The plan; its <see cref="ReconcileItem.Actions"/> say what to do.</param>
    /// <param name="current">The newest enabled Key Vault version the plan was made from.</param>
    /// <param name="listed">The AWS secret as listed; null when it was missing.</param>
    /// <param name="settings">What the settings comparison found; null when they were not compared.</param>
    /// <param name="adopt">Take over a secret without our ownership tag.</param>
    /// <exception cref="SecretStoreException">A call failed, or the secret changed under the run; the next run converges it.</exception>
    public async Task RepairAsync(ReconcileItem item, SourceSecretVersion current, TargetSecretSummary? listed, TargetSettingsDrift? settings, bool adopt, CancellationToken cancellationToken)
    {
        string version = current.Version;
        if ((item.Actions & ReconcileActions.Restore) != 0)
        {
            await _target.RestoreAsync(item.TargetName, cancellationToken).ConfigureAwait(false);
        }

        if ((item.Actions & (ReconcileActions.Write | ReconcileActions.Restore | ReconcileActions.Promote)) != 0)
        {
            await ConvergeCurrentAsync(current, adopt, cancellationToken).ConfigureAwait(false);
        }

        if ((item.Actions & ReconcileActions.UpdateMetadata) != 0)
        {
            await _target.UpdateMetadataAsync(_target.MetadataUpdateFor(current, listed!), cancellationToken).ConfigureAwait(false);
        }

        if ((item.Actions & SettingsActions) != 0)
        {
            await _target.RepairSettingsAsync(settings!, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes an AWS secret of ours whose source is gone, per the deletion policy.</summary>
    public Task DeleteAsync(ReconcileItem item, CancellationToken cancellationToken) =>
        _target.DeleteAsync(item.TargetName, new TargetDeletion(_options.RecoveryWindowInDays, _options.ForceDeleteWithoutRecovery), cancellationToken);

    /// <summary>
    /// Makes the newest enabled version current through the event pipeline's own path, under the secret's
    /// lock: a sync running beside event deliveries can never interleave with them and move AWSCURRENT back.
    /// The replicator reads the version again just before writing (it may have been disabled since it was
    /// compared), looks at AWS first instead of trusting the ledger, and moves the stage when AWS holds the
    /// version already.
    /// </summary>
    private async Task ConvergeCurrentAsync(SourceSecretVersion current, bool adopt, CancellationToken cancellationToken)
    {
        SecretReplicator replicator = _replicator
            ?? throw new InvalidOperationException("This reconciler was built without a replicator: it can plan (dry run, verify) but not write.");
        ReplicationOutcome outcome = await replicator.ReplicateAsync(
            new SecretVersionRef(_source.VaultName, current.Name, current.Version),
            new ReplicationRequestOptions { AdoptForeign = adopt, Reconcile = true },
            cancellationToken).ConfigureAwait(false);
        switch (outcome.Kind)
        {
            case ReplicationOutcomeKind.Replicated or ReplicationOutcomeKind.AlreadyDone:
                return;
            case ReplicationOutcomeKind.Rejected:
                throw new SecretStoreException(outcome.Reason!, isTransient: false, outcome.ErrorCode);
            default:
                throw new SecretStoreException($"{outcome.Reason}; the next run converges it", isTransient: true, outcome.ErrorCode);
        }
    }
}
