using KvReplicator.Throttling;

namespace KvReplicator.SecretsManager;

/// <summary>
/// Sits under the Secrets Manager client's <see cref="HttpClient"/> and makes every mutating call (each
/// attempt, retries included, since AWS counts those too) wait for a turn of the shared
/// <see cref="WriteRateLimiter"/>, and, when the call is made under a caller's <see cref="WriteBudget"/> (sync),
/// for a turn of that budget first, which counts it. Reads (Describe, Get, List) pass straight through: their
/// quotas are far higher.
/// </summary>
internal sealed class SecretsManagerWriteThrottlingHandler : DelegatingHandler
{
    private readonly WriteRateLimiter _limiter;

    public SecretsManagerWriteThrottlingHandler(WriteRateLimiter limiter)
    {
        _limiter = limiter ?? throw new ArgumentNullException(nameof(limiter));
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
            await _limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
            WriteBudget.CountSent(operation);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
