using Amazon.Runtime;
using KvReplicator.Replication;
using Microsoft.Extensions.Logging;

namespace KvReplicator.Credentials;

/// <summary>
/// Caches the credentials a source fetches and fetches new ones ahead of expiry. One fetch runs at a time:
/// every caller that needs fresh credentials while a fetch is running waits for that same fetch. A failed
/// fetch is a transient <see cref="SecretStoreException"/>, so the event is retried rather than skipped;
/// credentials that are still valid keep being used while an early refresh fails, expired ones never are.
/// </summary>
internal abstract partial class RefreshingCredentialSource : ICredentialSource
{
    /// <summary>
    /// How long callers keep using still-valid credentials after an early refresh failed before the next
    /// attempt; without it every call inside the refresh margin would wait for the broken backend again.
    /// </summary>
    internal static readonly TimeSpan RetryDelayAfterFailedRefresh = TimeSpan.FromSeconds(30);

    private readonly TimeSpan _refreshMargin;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private volatile CacheEntry? _cached;
    private Task<CacheEntry>? _refresh;
    private long _nextAttemptAfterFailureUtcTicks;

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

    public async ValueTask<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CacheEntry? cached = _cached;
        DateTimeOffset now = TimeProvider.GetUtcNow();
        if (cached is not null && now < cached.RefreshAt)
        {
            return cached.Value.Credentials;
        }

        if (cached is not null && now < cached.Value.Expiration && now.UtcTicks < Volatile.Read(ref _nextAttemptAfterFailureUtcTicks))
        {
            return cached.Value.Credentials;
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
            Volatile.Write(ref _nextAttemptAfterFailureUtcTicks, (failedAt + RetryDelayAfterFailedRefresh).UtcTicks);
            if (_cached is CacheEntry stillValid && failedAt < stillValid.Value.Expiration)
            {
                LogEarlyRefreshFailed(Name, stillValid.Value.Expiration, failure.ErrorCode ?? failure.GetType().Name);
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
            Volatile.Write(ref _nextAttemptAfterFailureUtcTicks, (now + RetryDelayAfterFailedRefresh).UtcTicks);
            throw Failure($"the credentials returned had already expired at {fetched.Expiration:O}", "ExpiredCredentials");
        }

        // A margin longer than the credentials live would refresh on every call; cap it at half the lifetime.
        TimeSpan lifetime = fetched.Expiration - fetchedAt;
        TimeSpan margin = _refreshMargin < lifetime / 2 ? _refreshMargin : lifetime / 2;
        var entry = new CacheEntry(fetched, fetched.Expiration - margin);
        _cached = entry;
        Volatile.Write(ref _nextAttemptAfterFailureUtcTicks, 0L);
        LogRefreshed(Name, fetched.Expiration);
        return entry;
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Credential source {Source} obtained AWS credentials expiring {Expiration:O}")]
    private partial void LogRefreshed(string source, DateTimeOffset expiration);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning,
        Message = "Credential source {Source} could not refresh early ({ErrorCode}); using the cached credentials until they expire {Expiration:O}")]
    private partial void LogEarlyRefreshFailed(string source, DateTimeOffset expiration, string errorCode);

    private sealed record CacheEntry(ExpiringCredentials Value, DateTimeOffset RefreshAt);
}
