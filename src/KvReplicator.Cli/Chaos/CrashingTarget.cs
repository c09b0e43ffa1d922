using KvReplicator.Replication;

namespace KvReplicator.Cli.Chaos;

/// <summary>The Secrets Manager target as a crashing handler sees it: dies after a write the store accepted.</summary>
public sealed class CrashingTarget : ISecretTarget
{
    private readonly ISecretTarget _inner;

    public CrashingTarget(ISecretTarget inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    public async Task<TargetWriteResult> WriteAsync(TargetSecretWrite write, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        TargetWriteResult result = await _inner.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        CrashPlan.At(CrashStep.AfterWrite);
        return result;
    }

    public Task<bool> PromoteAsync(string targetName, string versionId, string expectedCurrentVersionId, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        return _inner.PromoteAsync(targetName, versionId, expectedCurrentVersionId, cancellationToken);
    }
}
