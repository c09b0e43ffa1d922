using KvReplicator.Replication;

namespace KvReplicator.DevTools.Chaos;

/// <summary>The Key Vault source as a crashing handler sees it: dies after a read.</summary>
internal sealed class CrashingSource : ISecretSource
{
    private readonly ISecretSource _inner;

    public CrashingSource(ISecretSource inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    public string VaultName => _inner.VaultName;

    public async Task<SourceReadResult> ReadVersionAsync(string secretName, string version, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        SourceReadResult result = await _inner.ReadVersionAsync(secretName, version, cancellationToken).ConfigureAwait(false);
        CrashPlan.At(CrashStep.AfterRead);
        return result;
    }

    public async Task<SourceReadResult> ReadLatestAsync(string secretName, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        SourceReadResult result = await _inner.ReadLatestAsync(secretName, cancellationToken).ConfigureAwait(false);
        CrashPlan.At(CrashStep.AfterRead);
        return result;
    }

    public Task<string?> GetLatestEnabledVersionAsync(string secretName, CancellationToken cancellationToken = default)
    {
        CrashPlan.ThrowIfDead();
        return _inner.GetLatestEnabledVersionAsync(secretName, cancellationToken);
    }

    public IAsyncEnumerable<SourceSecretSummary> ListSecretsAsync(CancellationToken cancellationToken = default) =>
        _inner.ListSecretsAsync(cancellationToken);
}
