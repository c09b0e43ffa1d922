namespace KvReplicator.Throttling;

/// <summary>
/// Sits under the Secrets Manager client's <see cref="HttpClient"/> and makes every mutating call (each
/// attempt, retries included, since AWS counts those too) wait for a turn of the shared
/// <see cref="WriteRateLimiter"/>. Reads (Describe, Get, List) pass straight through: their quotas are far higher.
/// </summary>
internal sealed class SecretsManagerWriteThrottlingHandler : DelegatingHandler
{
    private readonly WriteRateLimiter _limiter;

    public SecretsManagerWriteThrottlingHandler(WriteRateLimiter limiter)
    {
        _limiter = limiter ?? throw new ArgumentNullException(nameof(limiter));
    }

    internal static bool IsWrite(HttpRequestMessage request)
    {
        if (!request.Headers.TryGetValues("X-Amz-Target", out IEnumerable<string>? values))
        {
            return false;
        }

        string target = values.FirstOrDefault() ?? string.Empty;
        string operation = target[(target.LastIndexOf('.') + 1)..];
        return !(operation.StartsWith("Describe", StringComparison.Ordinal)
            || operation.StartsWith("Get", StringComparison.Ordinal)
            || operation.StartsWith("List", StringComparison.Ordinal)
            || operation.StartsWith("BatchGet", StringComparison.Ordinal));
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (IsWrite(request))
        {
            await _limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
