namespace KvReplicator.DevTools.Local;

/// <summary>LOCAL ONLY: sits on the replicator's Secrets Manager HttpClient and shows each signed request to <see cref="LocalSigningTally"/>.</summary>
internal sealed class LocalSigningTallyHandler(LocalSigningTally tally) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        tally.Observe(request);
        return base.SendAsync(request, cancellationToken);
    }
}
