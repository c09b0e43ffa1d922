using System.Diagnostics;
using KvReplicator.Diagnostics;
using KvReplicator.Throttling;

namespace KvReplicator.SecretsManager;

/// <summary>
/// Sits under the Secrets Manager client's <see cref="HttpClient"/> and makes every mutating call (each
/// attempt, retries included, since AWS counts those too) wait for a turn of its AWS quota's
/// <see cref="WriteRateLimiter"/>, and, when the call is made under a caller's <see cref="WriteBudget"/> (sync),
/// for a turn of that budget first, which counts it. Reads (Describe, Get, List) pass straight through: their
/// quotas are far higher.
/// </summary>
/// <remarks>
/// Every target's client is built on the one named <see cref="HttpClient"/>, so this handler serves them all; a
/// target's client marks its requests with its quota's limiter (<see cref="ForQuota"/>), and a request without one
/// (the single target of <c>KvReplicator:SecretsManager</c>) waits for the process's.
/// </remarks>
internal sealed class SecretsManagerWriteThrottlingHandler : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<WriteRateLimiter> s_quotaLimiter = new("KvReplicator.WriteQuotaLimiter");

    private readonly WriteRateLimiter _limiter;

    public SecretsManagerWriteThrottlingHandler(WriteRateLimiter limiter)
    {
        _limiter = limiter ?? throw new ArgumentNullException(nameof(limiter));
    }

    /// <summary>
    /// A target's handler over the named client's <paramref name="pipeline"/>: it marks each request with
    /// <paramref name="limiter"/>, the limiter of the AWS quota the target's writes count against.
    /// </summary>
    internal static HttpMessageHandler ForQuota(WriteRateLimiter limiter, HttpMessageHandler pipeline)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(pipeline);
        return new QuotaMarkingHandler(limiter) { InnerHandler = pipeline };
    }

    internal static bool IsWrite(HttpRequestMessage request) => WriteOperation(request) is not null;

    /// <summary>The operation of a mutating call (e.g. <c>PutSecretValue</c>); null for a read or a request without X-Amz-Target.</summary>
    internal static string? WriteOperation(HttpRequestMessage request)
    {
        if (!request.Headers.TryGetValues("X-Amz-Target", out IEnumerable<string>? values))
        {
            return null;
        }

        string target = values.FirstOrDefault() ?? string.Empty;
        string operation = target[(target.LastIndexOf('.') + 1)..];
        bool read = operation.StartsWith("Describe", StringComparison.Ordinal)
            || operation.StartsWith("Get", StringComparison.Ordinal)
            || operation.StartsWith("List", StringComparison.Ordinal)
            || operation.StartsWith("BatchGet", StringComparison.Ordinal);
        return read ? null : operation;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (WriteOperation(request) is { } operation)
        {
            // The caller's own budget first, so a sync waiting for its turn holds none of the turns it shares with events.
            await WriteBudget.WaitForTurnAsync(operation, cancellationToken).ConfigureAwait(false);
            WriteRateLimiter limiter = request.Options.TryGetValue(s_quotaLimiter, out WriteRateLimiter? quota) ? quota : _limiter;
            await WaitForLimiterAsync(limiter, cancellationToken).ConfigureAwait(false);
            WriteBudget.CountSent(operation);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for the limiter and measures the wait: on the limiter's clock when the turn came (or was refused at once), by the stopwatch when the caller gave up first.</summary>
    private static async Task WaitForLimiterAsync(WriteRateLimiter limiter, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            TimeSpan waited = await limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
            WriteRateLimitTelemetry.Waited(limiter.Quota, waited);
        }
        catch (SecretStoreException ex) when (ex.ErrorCode == WriteRateLimiter.RateLimitedErrorCode)
        {
            WriteRateLimitTelemetry.Refused(limiter.Quota);
            throw;
        }
        catch (OperationCanceledException)
        {
            WriteRateLimitTelemetry.Canceled(limiter.Quota, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    private sealed class QuotaMarkingHandler(WriteRateLimiter limiter) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Options.Set(s_quotaLimiter, limiter);
            return base.SendAsync(request, cancellationToken);
        }

        // The pipeline is the factory's, shared by every client of the name: it is not this handler's to dispose.
        protected override void Dispose(bool disposing)
        {
        }
    }
}
