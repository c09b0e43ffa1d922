using KvReplicator.Replication;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// Wraps the real target and fails the next writes at a chosen moment, as a crashing or disconnected
/// handler would: before the write reaches AWS, or after AWS accepted it but before the ledger commit.
/// </summary>
internal sealed class FaultyTarget(ISecretTarget inner) : ISecretTarget
{
    private int _failuresBeforeWrite;
    private int _failuresAfterWrite;
    private int _writes;

    public bool MayTakeOver => inner.MayTakeOver;

    /// <summary>Writes that reached the real target.</summary>
    public int Writes => _writes;

    public void FailBeforeWrite(int times = 1) => _failuresBeforeWrite = times;

    public void FailAfterWrite(int times = 1) => _failuresAfterWrite = times;

    /// <summary>Runs as an injected failure strikes, e.g. to kill the rest of the process with it.</summary>
    public Action? OnInjectedFailure { get; set; }

    public async Task<TargetWriteResult> WriteAsync(TargetSecretWrite write, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Decrement(ref _failuresBeforeWrite) >= 0)
        {
            OnInjectedFailure?.Invoke();
            throw new HttpRequestException("connection reset before the write (injected)");
        }

        TargetWriteResult result = await inner.WriteAsync(write, cancellationToken);
        Interlocked.Increment(ref _writes);
        if (Interlocked.Decrement(ref _failuresAfterWrite) >= 0)
        {
            OnInjectedFailure?.Invoke();
            throw new TimeoutException("handler died after the write (injected)");
        }

        return result;
    }

    public Task<TargetSecretSummary?> DescribeAsync(string targetName, CancellationToken cancellationToken = default) =>
        inner.DescribeAsync(targetName, cancellationToken);

    public Task<bool> PromoteAsync(string targetName, string versionId, string expectedCurrentVersionId, CancellationToken cancellationToken = default) =>
        inner.PromoteAsync(targetName, versionId, expectedCurrentVersionId, cancellationToken);

    public IAsyncEnumerable<TargetSecretSummary> ListSecretsAsync(string namePrefix, CancellationToken cancellationToken = default) =>
        inner.ListSecretsAsync(namePrefix, cancellationToken);

    public Task<SecretValue?> ReadCurrentValueAsync(string targetName, CancellationToken cancellationToken = default) =>
        inner.ReadCurrentValueAsync(targetName, cancellationToken);

    public Task<SecretValue?> ReadVersionValueAsync(string targetName, string versionId, CancellationToken cancellationToken = default) =>
        inner.ReadVersionValueAsync(targetName, versionId, cancellationToken);

    public Task RestoreAsync(string targetName, CancellationToken cancellationToken = default) =>
        inner.RestoreAsync(targetName, cancellationToken);

    public TargetMetadataUpdate MetadataUpdateFor(SourceSecretVersion source, TargetSecretSummary target) => inner.MetadataUpdateFor(source, target);

    public Task UpdateMetadataAsync(TargetMetadataUpdate update, CancellationToken cancellationToken = default) =>
        inner.UpdateMetadataAsync(update, cancellationToken);

    public Task<TargetSettingsDrift> CompareSettingsAsync(string targetName, CancellationToken cancellationToken = default) =>
        inner.CompareSettingsAsync(targetName, cancellationToken);

    public Task RepairSettingsAsync(TargetSettingsDrift drift, CancellationToken cancellationToken = default) =>
        inner.RepairSettingsAsync(drift, cancellationToken);

    public Task DeleteAsync(string targetName, TargetDeletion deletion, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(targetName, deletion, cancellationToken);
}
