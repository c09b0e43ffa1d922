using System.Net;
using System.Text;

namespace KvReplicator.Tests.Credentials;

/// <summary>Answers every request with one canned response, counting the requests.</summary>
internal sealed class CannedResponseHandler(HttpStatusCode status, string body, string? errorType = null) : HttpMessageHandler
{
    public int Requests { get; private set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests++;
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (errorType is not null)
        {
            response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", errorType);
        }

        return Task.FromResult(response);
    }
}
