namespace KvReplicator.Replication;

/// <summary>
/// The Key Vault reads of one handling, each made at most once: a plan made again after losing a race for
/// the secret's lock reuses what it read (a version's value never changes; a stale "latest" only makes a
/// version non-current that a newer handler makes current anyway).
/// </summary>
internal sealed class SourceReads(ISecretSource source, string secretName)
{
    private readonly Dictionary<string, SourceReadResult> _versions = new(StringComparer.OrdinalIgnoreCase);
    private SourceReadResult? _latest;

    /// <summary>Reads one exact version, or reuses the latest version's read when it is that version.</summary>
    public async Task<SourceReadResult> VersionAsync(string versionId, CancellationToken cancellationToken)
    {
        if (_versions.TryGetValue(versionId, out SourceReadResult? known))
        {
            return known;
        }

        if (_latest is { Secret: { } latest } && string.Equals(latest.Version, versionId, StringComparison.OrdinalIgnoreCase))
        {
            return _latest;
        }

        SourceReadResult read = await source.ReadVersionAsync(secretName, versionId, cancellationToken).ConfigureAwait(false);
        _versions[versionId] = read;
        return read;
    }

    /// <summary>
    /// The newest enabled version, value included: <see cref="SourceReadStatus.NotFound"/> when the secret is
    /// gone or has no enabled version. One read when the latest version is enabled (the usual case).
    /// </summary>
    /// <param name="refresh">Read again even if read before: a read made after the ledger record was read orders versions of the same second.</param>
    public async Task<SourceReadResult> LatestEnabledAsync(bool refresh, CancellationToken cancellationToken)
    {
        if (_latest is null || refresh)
        {
            _latest = await source.ReadLatestAsync(secretName, cancellationToken).ConfigureAwait(false);
            if (_latest.Status == SourceReadStatus.Disabled)
            {
                // Rare: the newest version is disabled, so an older one may be the newest enabled.
                string? enabled = await source.GetLatestEnabledVersionAsync(secretName, cancellationToken).ConfigureAwait(false);
                _latest = enabled is null ? SourceReadResult.NotFound : await VersionAsync(enabled, cancellationToken).ConfigureAwait(false);
            }
        }

        return _latest;
    }
}
