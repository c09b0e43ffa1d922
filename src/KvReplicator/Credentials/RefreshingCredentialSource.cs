using Microsoft.Extensions.Logging;

namespace KvReplicator.Credentials;

/// <summary>
/// Caches the credentials a source fetches and fetches new ones ahead of expiry. One fetch runs at a time:
/// every caller that needs fresh credentials while a fetch is running waits for that same fetch. A failed
/// fetch is a transient <see cref="SecretStoreException"/>, so the event is retried rather than skipped;
/// credentials that are still valid keep being used while an early refresh fails, expired ones never are.
/// </summary>
/// <remarks>
/// After a failed fetch the next one waits: <see cref="FirstRetryDelay"/>, doubling with each failure in a row
/// up to <see cref="MaxRetryDelay"/>, each delay drawn between half and all of that ("equal jitter", so that
/// replicas that failed together do not retry together). Meanwhile callers get the still-valid credentials,
/// or at once the last failure; a success resets the schedule. Without it a source failing with nothing
/// cached would be fetched again by every burst of events, each fetch a Key Vault read and a call to AWS.
/// </remarks>
internal abstract partial class RefreshingCredentialSource : ICredentialSource
{
    /// <summary>The wait after a first failed fetch (before jitter).</summary>
    internal static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two fetches of a failing source: how late, at worst, a repaired backend is noticed.</summary>
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly TimeSpan _refreshMargin;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private volatile CacheEntry? _cached;
    private Task<CacheEntry>? _refresh;
    private long _nextAttemptAfterFailureUtcTicks;
    private int _failuresInARow;
    private volatile SecretStoreException? _lastFailure;

    protected RefreshingCredentialSource(TimeSpan refreshMargin, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(refreshMargin, TimeSpan.Zero);
        _refreshMargin = refreshMargin;
        TimeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    public abstract string Name { get; }

    protected TimeProvider TimeProvider { get; }

    protected ILogger Logger => _logger;

    /// <summary>Where the jitter comes from: a number in [0, 1). Tests pin it.</summary>
    internal Func<double> NextJitter { get; init; } = Random.Shared.NextDouble;

    public async ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CacheEntry? cached = _cached;
        DateTimeOffset now = TimeProvider.GetUtcNow();
        if (cached is not null && now < cached.RefreshAt)
        {
            return cached.Value.Credentials;
        }

        long nextAttempt = Volatile.Read(ref _nextAttemptAfterFailureUtcTicks);
        if (now.UtcTicks < nextAttempt)
        {
            if (cached is not null && now < cached.Value.Expiration)
            {
                return cached.Value.Credentials;
            }

            if (_lastFailure is { } failure)
            {
                // Backing off: the last failure's own (safe) sentence, and when the source is tried again.
                throw new SecretStoreException(
                    $"{failure.Message} (not tried again before {new DateTimeOffset(nextAttempt, TimeSpan.Zero):O})", isTransient: true, failure.ErrorCode);
            }
        }

        Task<CacheEntry> refresh = JoinOrStartRefresh();
        try
        {
            CacheEntry fresh = await refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
            return fresh.Value.Credentials;
        }
        catch (SecretStoreException) when (cached is not null && TimeProvider.GetUtcNow() < cached.Value.Expiration)
        {
            // The refresh logged the failure once; every caller keeps working until the credentials expire.
            return cached.Value.Credentials;
        }
    }

    /// <summary>
    /// Fetches new credentials. Implementations enforce their own timeout: the fetch is shared by every
    /// waiting caller, so no single caller's cancellation may abort it. Any exception other than a
    /// <see cref="SecretStoreException"/> is wrapped without its message, which could quote what the
    /// backend returned.
    /// </summary>
    protected abstract Task<ExpiringCredentials> FetchAsync(CancellationToken cancellationToken);

    /// <summary>A transient failure of this source, the message naming the source and the cause.</summary>
    protected SecretStoreException Failure(string cause, string? errorCode = null, Exception? innerException = null) =>
        new($"Credential source '{Name}' could not get AWS credentials: {cause}", isTransient: true, errorCode, innerException);

    private Task<CacheEntry> JoinOrStartRefresh()
    {
        lock (_gate)
        {
            if (_refresh is null || _refresh.IsCompleted)
            {
                _refresh = RefreshAsync();
            }

            return _refresh;
        }
    }

    private async Task<CacheEntry> RefreshAsync()
    {
        // Let the caller that started the refresh return to its own await before the fetch runs, so the
        // fetch never runs under the gate.
        await Task.Yield();
        DateTimeOffset fetchedAt = TimeProvider.GetUtcNow();
        ExpiringCredentials fetched;
        try
        {
            fetched = await FetchAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SecretStoreException failure = ex as SecretStoreException ?? Failure($"unexpected {ex.GetType().Name}", ex.GetType().Name);
            DateTimeOffset failedAt = TimeProvider.GetUtcNow();
            DateTimeOffset nextAttempt = BackOff(failure, failedAt);
            if (_cached is CacheEntry stillValid && failedAt < stillValid.Value.Expiration)
            {
                LogEarlyRefreshFailed(Name, stillValid.Value.Expiration, failure.ErrorCode ?? failure.GetType().Name);
            }
            else
            {
                LogFetchFailed(Name, failure.ErrorCode ?? failure.GetType().Name, Volatile.Read(ref _failuresInARow), nextAttempt);
            }

            if (ReferenceEquals(failure, ex))
            {
                throw;
            }

            throw failure;
        }

        DateTimeOffset now = TimeProvider.GetUtcNow();
        if (fetched.Expiration <= now)
        {
            SecretStoreException expired = Failure($"the credentials returned had already expired at {fetched.Expiration:O}", "ExpiredCredentials");
            DateTimeOffset next = BackOff(expired, now);
            LogFetchFailed(Name, expired.ErrorCode!, Volatile.Read(ref _failuresInARow), next);
            throw expired;
        }

        // A margin longer than the credentials live would refresh on every call; cap it at half the lifetime.
        TimeSpan lifetime = fetched.Expiration - fetchedAt;
        TimeSpan margin = _refreshMargin < lifetime / 2 ? _refreshMargin : lifetime / 2;
        var entry = new CacheEntry(fetched, fetched.Expiration - margin);
        _cached = entry;
        _lastFailure = null;
        Volatile.Write(ref _failuresInARow, 0);
        Volatile.Write(ref _nextAttemptAfterFailureUtcTicks, 0L);
        LogRefreshed(Name, fetched.Expiration);
        return entry;
    }

    /// <summary>
    /// The wait after the <paramref name="failures"/>-th failure in a row: <see cref="FirstRetryDelay"/> doubled
    /// per earlier failure, at most <see cref="MaxRetryDelay"/>, then scaled into [half, all] by <paramref name="jitter"/>.
    /// </summary>
    internal static TimeSpan RetryDelay(int failures, double jitter)
    {
        double doublings = Math.Min(Math.Max(failures - 1, 0), 30);
        TimeSpan ceiling = TimeSpan.FromTicks((long)Math.Min(FirstRetryDelay.Ticks * Math.Pow(2, doublings), MaxRetryDelay.Ticks));
        return ceiling * (0.5 + (0.5 * Math.Clamp(jitter, 0, 1)));
    }

    /// <summary>Records a failed fetch (only the refresh task runs this, one at a time) and returns when the next may start.</summary>
    private DateTimeOffset BackOff(SecretStoreException failure, DateTimeOffset failedAt)
    {
        int failures = Interlocked.Increment(ref _failuresInARow);
        DateTimeOffset next = failedAt + RetryDelay(failures, NextJitter());
        _lastFailure = failure;
        Volatile.Write(ref _nextAttemptAfterFailureUtcTicks, next.UtcTicks);
        return next;
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Credential source {Source} obtained AWS credentials expiring {Expiration:O}")]
    private partial void LogRefreshed(string source, DateTimeOffset expiration);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning,
        Message = "Credential source {Source} could not refresh early ({ErrorCode}); using the cached credentials until they expire {Expiration:O}")]
    private partial void LogEarlyRefreshFailed(string source, DateTimeOffset expiration, string errorCode);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning,
        Message = "Credential source {Source} could not get AWS credentials ({ErrorCode}), {Failures} time(s) in a row; next attempt not before {NextAttempt:O}")]
    private partial void LogFetchFailed(string source, string errorCode, int failures, DateTimeOffset nextAttempt);

    private sealed record CacheEntry(ExpiringCredentials Value, DateTimeOffset RefreshAt);
}
