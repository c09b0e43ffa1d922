using Microsoft.Extensions.Options;

namespace KvReplicator.Replication;

/// <summary>
/// Decides, for a superseded version only, whether the target has room for it. It counts the versions the
/// ledger recorded as written to the secret in AWS's 24-hour window: the decision is taken under the
/// secret's lock, so concurrent handlers cannot overshoot the threshold together, and it costs no AWS call.
/// </summary>
internal sealed class VersionCoalescer
{
    private readonly CoalescingOptions _options;
    private readonly TimeProvider _timeProvider;

    public VersionCoalescer(IOptions<CoalescingOptions> options, TimeProvider timeProvider)
    {
        _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    }

    /// <summary>False when coalescing is switched off.</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>Decides for a version that a newer enabled version (<paramref name="supersededBy"/>) supersedes.</summary>
    public CoalescingDecision Decide(SecretLedgerState state, string supersededBy)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrEmpty(supersededBy);
        if (!_options.Enabled)
        {
            return CoalescingDecision.Write;
        }

        int recent = state.CountWrittenSince(_timeProvider.GetUtcNow() - CoalescingOptions.RecentWindow);
        return recent < _options.RecentVersionThreshold
            ? CoalescingDecision.Write
            : new CoalescingDecision(true,
                $"coalesced: superseded by {supersededBy}; target holds {recent} versions created in the last 24 h (threshold {_options.RecentVersionThreshold})");
    }
}
