using System.Diagnostics;

namespace KvReplicator.DevTools.Bench;

/// <summary>Counts every Secrets Manager request that leaves the real client, by its <c>X-Amz-Target</c> operation.</summary>
internal sealed class CountingHttpHandler(RemoteCallCounter counter) : DelegatingHandler
{
    private const string TargetPrefix = "secretsmanager.";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        counter.Record(RemoteService.SecretsManager, OperationOf(request));
        long started = Stopwatch.GetTimestamp();
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            counter.RecordTime(RemoteService.SecretsManager, Stopwatch.GetElapsedTime(started));
        }
    }

    internal static string OperationOf(HttpRequestMessage request) =>
        OperationOf(request.Headers.TryGetValues("X-Amz-Target", out IEnumerable<string>? values) ? values.FirstOrDefault() : null);

    /// <summary>The operation an <c>X-Amz-Target</c> header names, e.g. <c>PutSecretValue</c>.</summary>
    internal static string OperationOf(string? target) =>
        target is null ? "(no X-Amz-Target)"
        : target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..]
        : target;
}
