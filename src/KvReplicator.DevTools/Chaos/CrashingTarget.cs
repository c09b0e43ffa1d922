using KvReplicator.Replication;

namespace KvReplicator.DevTools.Chaos;

/// <summary>The Secrets Manager target as a crashing handler sees it: dies after a write the store accepted.</summary>
internal sealed class CrashingTarget : ISecretTarget
{
    private readonly ISecretTarget _inner;

    public CrashingTarget(ISecretTarget inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    public bool MayTakeOver => _inner.MayTakeOver;

    public async Task<TargetWriteResult> WriteAsync(TargetSecretWrite write, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        TargetWriteResult result = await _inner.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        CrashPlan.At(CrashStep.AfterWrite);
        return result;
    }

    public Task<TargetSecretSummary?> DescribeAsync(string targetName, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        return _inner.DescribeAsync(targetName, cancellationToken);
    }

    public Task<bool> PromoteAsync(string targetName, string versionId, string expectedCurrentVersionId, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        return _inner.PromoteAsync(targetName, versionId, expectedCurrentVersionId, cancellationToken);
    }

    // Sync's operations: the chaos run does not sync, but a crash plan applies to them alike.
    public IAsyncEnumerable<TargetSecretSummary> ListSecretsAsync(string namePrefix, CancellationToken cancellationToken = default) =>
        _inner.ListSecretsAsync(namePrefix, cancellationToken);

    public Task<SecretValue?> ReadCurrentValueAsync(string targetName, CancellationToken cancellationToken = default) =>
        _inner.ReadCurrentValueAsync(targetName, cancellationToken);

    public Task<SecretValue?> ReadVersionValueAsync(string targetName, string versionId, CancellationToken cancellationToken = default) =>
        _inner.ReadVersionValueAsync(targetName, versionId, cancellationToken);

    public Task RestoreAsync(string targetName, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        return _inner.RestoreAsync(targetName, cancellationToken);
    }

    public TargetMetadataUpdate MetadataUpdateFor(SourceSecretVersion source, TargetSecretSummary target) => _inner.MetadataUpdateFor(source, target);

    public Task UpdateMetadataAsync(TargetMetadataUpdate update, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        return _inner.UpdateMetadataAsync(update, cancellationToken);
    }

    public Task<TargetSettingsDrift> CompareSettingsAsync(string targetName, CancellationToken cancellationToken = default) =>
        _inner.CompareSettingsAsync(targetName, cancellationToken);

    public Task RepairSettingsAsync(TargetSettingsDrift drift, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        return _inner.RepairSettingsAsync(drift, cancellationToken);
    }

    public Task DeleteAsync(string targetName, TargetDeletion deletion, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        return _inner.DeleteAsync(targetName, deletion, cancellationToken);
    }
}
