namespace KvReplicator.Throttling;

/// <summary>
/// A token bucket over <see cref="TimeProvider"/>: <see cref="WriteRateLimitOptions.Burst"/> tokens, refilled
/// at <see cref="WriteRateLimitOptions.PermitsPerSecond"/>. A caller that finds the bucket empty reserves the
/// next token (the balance goes negative) and waits until it is due, so waiters are served in arrival order
/// and never wake up to find their token taken.
/// </summary>
internal sealed class WriteRateLimiter
{
    /// <summary>Error code of a write refused because its turn was further away than the longest wait.</summary>
    public const string RateLimitedErrorCode = "WriteRateLimited";

    private readonly object _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly double _permitsPerSecond;
    private readonly double _burst;
    private readonly TimeSpan _maxWait;
    private readonly string _name;
    private double _tokens;
    private long _lastRefill;

    /// <param name="quota">The AWS quota this limiter keeps a process under, named in its refusals; null for the process's default one.</param>
    public WriteRateLimiter(WriteRateLimitOptions options, TimeProvider timeProvider, WriteQuota? quota = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PermitsPerSecond, 0, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Burst, 1, nameof(options));
        _permitsPerSecond = options.PermitsPerSecond;
        _burst = options.Burst;
        _maxWait = options.MaxWait;
        _name = quota is null ? "Secrets Manager write rate limit" : $"Secrets Manager write rate limit of {quota}";
        Quota = quota?.ToString() ?? "default";
        _tokens = _burst;
        _lastRefill = timeProvider.GetTimestamp();
    }

    /// <summary>The AWS quota this limiter keeps the process under, as shown to operators; <c>default</c> for the process's default one.</summary>
    public string Quota { get; }

    /// <summary>Waits for this caller's turn to write.</summary>
    /// <returns>How long the turn was away (zero when a token was there), on this limiter's clock.</returns>
    /// <exception cref="SecretStoreException">The turn is further away than MaxWait (transient: retry later).</exception>
    public async ValueTask<TimeSpan> WaitAsync(CancellationToken cancellationToken = default)
    {
        TimeSpan wait;
        lock (_gate)
        {
            long now = _timeProvider.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + (_timeProvider.GetElapsedTime(_lastRefill, now).TotalSeconds * _permitsPerSecond));
            _lastRefill = now;
            wait = _tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - _tokens) / _permitsPerSecond);
            if (wait > _maxWait)
            {
                throw new SecretStoreException(
                    $"{_name}: the next turn is {wait.TotalSeconds:0.#} s away, more than the {_maxWait.TotalSeconds:0.#} s a write may wait; retry later",
                    isTransient: true,
                    RateLimitedErrorCode);
            }

            _tokens -= 1;
        }

        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Give the reserved turn back so later callers do not wait for a write that never happens.
                lock (_gate)
                {
                    _tokens = Math.Min(_burst, _tokens + 1);
                }

                throw;
            }
        }

        return wait;
    }
}
