using KvReplicator.Replication;

namespace KvReplicator.Reconciliation;

/// <summary>
/// Carries out what <see cref="DriftPlanner"/> planned for one secret, through the same <see cref="ISecretTarget"/>
/// the event pipeline writes with (same idempotency token, same ownership guard). Kept apart from finding drift,
/// so that a secret's repair can be wrapped as a whole (e.g. in the event path's per-secret lock) without
/// touching how drift is found.
/// </summary>
internal sealed class DriftRepairer
{
    private readonly ISecretSource _source;
    private readonly ISecretTarget _target;
    private readonly ReconcileOptions _options;

    public DriftRepairer(ISecretSource source, ISecretTarget target, ReconcileOptions options)
    {
        _source = source;
        _target = target;
        _options = options;
    }

    /// <param name="item">The plan; its <see cref="ReconcileItem.Actions"/> say what to do.</param>
    /// <param name="current">The newest enabled Key Vault version the plan was made from.</param>
    /// <param name="listed">The AWS secret as listed; null when it was missing.</param>
    /// <param name="adopt">Take over a secret without our ownership tag.</param>
    /// <exception cref="SecretStoreException">A call failed, or the secret changed under the run; the next run converges it.</exception>
    public async Task RepairAsync(ReconcileItem item, SourceSecretVersion current, TargetSecretSummary? listed, bool adopt, CancellationToken cancellationToken)
    {
        string version = current.Version;
        if ((item.Actions & ReconcileActions.Restore) != 0)
        {
            await _target.RestoreAsync(item.TargetName, cancellationToken).ConfigureAwait(false);
        }

        if ((item.Actions & (ReconcileActions.Write | ReconcileActions.Restore)) != 0)
        {
            // Read again just before writing: the version may have been disabled since it was compared.
            SourceReadResult read = await _source.ReadVersionAsync(current.Name, version, cancellationToken).ConfigureAwait(false);
            if (read.Status != SourceReadStatus.Found)
            {
                throw new SecretStoreException($"version {version} of '{current.Name}' was {read.Status} when it was read; the next run converges it", isTransient: true);
            }

            await _target.WriteAsync(
                new TargetSecretWrite
                {
                    TargetName = item.TargetName, VersionId = read.Secret!.Version, Value = read.Secret.Value, MakeCurrent = true,
                    Source = read.Secret, AdoptForeign = adopt,
                },
                cancellationToken).ConfigureAwait(false);
            await HandBackToNewerVersionAsync(current.Name, item.TargetName, version, cancellationToken).ConfigureAwait(false);
        }

        if ((item.Actions & ReconcileActions.Promote) != 0
            && !await _target.PromoteAsync(item.TargetName, version, listed!.CurrentVersionId!, cancellationToken).ConfigureAwait(false))
        {
            throw new SecretStoreException($"AWSCURRENT of '{item.TargetName}' moved while syncing; the next run converges it", isTransient: true);
        }

        if ((item.Actions & ReconcileActions.UpdateMetadata) != 0)
        {
            await _target.UpdateMetadataAsync(DriftPlanner.MetadataUpdate(current, listed!), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes an AWS secret of ours whose source is gone, per the deletion policy.</summary>
    public Task DeleteAsync(ReconcileItem item, CancellationToken cancellationToken) =>
        _target.DeleteAsync(item.TargetName, new TargetDeletion(_options.RecoveryWindowInDays, _options.ForceDeleteWithoutRecovery), cancellationToken);

    /// <summary>
    /// As in the event pipeline: a newer version created during our write may just have been demoted by it.
    /// The compare-and-swap leaves AWSCURRENT alone if anything else moved; an unwritten newer version is
    /// made current by its own event or the next run.
    /// </summary>
    private async Task HandBackToNewerVersionAsync(string sourceName, string targetName, string written, CancellationToken cancellationToken)
    {
        string? latest = await _source.GetLatestEnabledVersionAsync(sourceName, cancellationToken).ConfigureAwait(false);
        if (latest is not null && !string.Equals(latest, written, StringComparison.OrdinalIgnoreCase))
        {
            await _target.PromoteAsync(targetName, latest, written, cancellationToken).ConfigureAwait(false);
        }
    }
}
