using System.Diagnostics;
using KvReplicator.Diagnostics;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Counts every Secrets Manager request that leaves the real client, by its <c>X-Amz-Target</c> operation as the
/// production telemetry names it. Not the production <see cref="RemoteCallHandler"/>: that one measures a
/// logical call; the bench counts what reaches the wire, retries included.
/// </summary>
internal sealed class CountingHttpHandler(RemoteCallCounter counter) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        counter.Record(RemoteService.SecretsManager, RemoteOperations.SecretsManager(request).Name);
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
}
