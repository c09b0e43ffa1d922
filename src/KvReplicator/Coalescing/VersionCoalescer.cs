using Microsoft.Extensions.Options;

namespace KvReplicator.Coalescing;

/// <summary>
/// Decides, for a superseded version only, whether the target has room for it. The decision and the write
/// run under a per-secret gate, so that concurrent superseded versions of one secret in this process are
/// counted one after the other and cannot overshoot the threshold together.
/// </summary>
public sealed class VersionCoalescer
{
    // Striped rather than one gate per secret: bounded memory, and two secrets sharing a stripe only wait a little.
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly ITargetVersionHistory _history;
    private readonly CoalescingOptions _options;
    private readonly TimeProvider _timeProvider;

    public VersionCoalescer(ITargetVersionHistory history, IOptions<CoalescingOptions> options, TimeProvider timeProvider)
    {
        _history = history ?? throw new ArgumentNullException(nameof(history));
        _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    }

    /// <summary>False when coalescing is switched off: then no superseded version waits for a gate.</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>Holds the secret's gate until disposed; take it before <see cref="DecideAsync"/> and keep it through the write.</summary>
    public async Task<IDisposable> EnterAsync(string targetName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        SemaphoreSlim gate = _gates[(int)((uint)StringComparer.Ordinal.GetHashCode(targetName) % (uint)_gates.Length)];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(gate);
    }

    /// <summary>Decides for a version that a newer enabled version (<paramref name="supersededBy"/>) supersedes.</summary>
    public async Task<CoalescingDecision> DecideAsync(string targetName, string supersededBy, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        ArgumentException.ThrowIfNullOrEmpty(supersededBy);
        if (!_options.Enabled)
        {
            return CoalescingDecision.Write;
        }

        DateTimeOffset since = _timeProvider.GetUtcNow() - CoalescingOptions.RecentWindow;
        int recent = await _history.CountVersionsCreatedSinceAsync(targetName, since, cancellationToken).ConfigureAwait(false);
        return recent < _options.RecentVersionThreshold
            ? CoalescingDecision.Write
            : new CoalescingDecision(true,
                $"coalesced: superseded by {supersededBy}; target holds {recent} versions created in the last 24 h (threshold {_options.RecentVersionThreshold})");
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
