using System.Net;
using System.Text;

namespace KvReplicator.DevTools.Chaos;

/// <summary>
/// Sits on the Secrets Manager client's named <see cref="HttpClient"/> and answers some calls as a troubled
/// AWS would: 500, 503, <c>ThrottlingException</c>, a timeout, a dropped connection, or a response lost after
/// the request took effect (the write happened; the client cannot know).
/// </summary>
public sealed class FaultInjectingHandler : DelegatingHandler
{
    public const string Edge = "secrets-manager";

    private static readonly string[] s_kinds =
    [
        FaultKinds.Http500, FaultKinds.Http503, FaultKinds.Throttling, FaultKinds.Timeout, FaultKinds.DroppedConnection, FaultKinds.LostResponse,
    ];

    private readonly FaultInjector _faults;

    public FaultInjectingHandler(FaultInjector faults) => _faults = faults ?? throw new ArgumentNullException(nameof(faults));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        switch (_faults.Next(Edge, s_kinds))
        {
            case FaultKinds.Http500:
                return Error(HttpStatusCode.InternalServerError, "InternalServiceError", request);
            case FaultKinds.Http503:
                return Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", request);
            case FaultKinds.Throttling:
                return Error(HttpStatusCode.BadRequest, "ThrottlingException", request);
            case FaultKinds.Timeout:
                // HttpClient's own shape for a timeout: a cancellation nobody asked for, caused by a TimeoutException.
                throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout (injected).", new TimeoutException());
            case FaultKinds.DroppedConnection:
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection reset by peer (injected).");
            case FaultKinds.LostResponse:
                using (HttpResponseMessage _ = await base.SendAsync(request, cancellationToken).ConfigureAwait(false))
                {
                    throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely (injected).");
                }

            default:
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    private static HttpResponseMessage Error(HttpStatusCode status, string errorType, HttpRequestMessage request) => new(status)
    {
        RequestMessage = request,
        Content = new StringContent($$"""{"__type":"{{errorType}}","message":"injected by kvrep-dev chaos"}""", Encoding.UTF8, "application/x-amz-json-1.1"),
    };
}
