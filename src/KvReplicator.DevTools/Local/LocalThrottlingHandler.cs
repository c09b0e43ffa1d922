using System.Net;
using System.Text;

namespace KvReplicator.DevTools.Local;

/// <summary>
/// LOCAL ONLY (test plan case 6): sits on the replicator's Secrets Manager HttpClient and answers a fraction of
/// calls the way AWS throttles — HTTP 400 with <c>ThrottlingException</c> — before they reach moto.
/// </summary>
internal sealed class LocalThrottlingHandler(LocalThrottle throttle) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!throttle.ShouldThrottle())
        {
            return base.SendAsync(request, cancellationToken);
        }

        var response = new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            RequestMessage = request,
            Content = new StringContent("""{"__type":"ThrottlingException","message":"Rate exceeded"}""", Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        return Task.FromResult(response);
    }
}
