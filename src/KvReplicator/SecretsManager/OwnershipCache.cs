using System.Collections.Concurrent;

namespace KvReplicator.SecretsManager;

/// <summary>
/// Target names recently checked as existing, ours and not scheduled for deletion, so that the steady
/// state costs one PutSecretValue per version instead of a DescribeSecret as well.
/// </summary>
internal sealed class OwnershipCache
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _duration;

    public OwnershipCache(TimeSpan duration, TimeProvider timeProvider)
    {
        _duration = duration;
        _timeProvider = timeProvider;
    }

    public bool IsKnownOwned(string targetName)
    {
        if (!_expiries.TryGetValue(targetName, out DateTimeOffset expiry))
        {
            return false;
        }

        if (_timeProvider.GetUtcNow() < expiry)
        {
            return true;
        }

        _expiries.TryRemove(new KeyValuePair<string, DateTimeOffset>(targetName, expiry));
        return false;
    }

    public void Remember(string targetName)
    {
        if (_duration > TimeSpan.Zero)
        {
            _expiries[targetName] = _timeProvider.GetUtcNow() + _duration;
        }
    }

    public void Forget(string targetName) => _expiries.TryRemove(targetName, out _);
}
