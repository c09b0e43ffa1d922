namespace KvReplicator.Diagnostics;

/// <summary>
/// Measures every request of a named <see cref="HttpClient"/> to an AWS service (<see cref="RemoteCallScope"/>).
/// Sits above the primary handler, so HttpClient's own span of the request is its child; each attempt of the
/// Secrets Manager client's retries is one call.
/// </summary>
internal sealed class RemoteCallHandler(Func<HttpRequestMessage, RemoteOperation> operationOf) : DelegatingHandler
{
    private const string RequestIdAttribute = "aws.request_id";

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        RemoteCallScope call = Start(request);
        HttpResponseMessage response;
        try
        {
            response = base.Send(request, cancellationToken);
        }
        catch (Exception exception)
        {
            call.Failed(exception, cancellationToken.IsCancellationRequested);
            throw;
        }

        Answered(call, response);
        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        RemoteCallScope call = Start(request);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            call.Failed(exception, cancellationToken.IsCancellationRequested);
            throw;
        }

        Answered(call, response);
        return response;
    }

    private RemoteCallScope Start(HttpRequestMessage request) => RemoteCallScope.Start(operationOf(request), request.Method.Method, request.RequestUri);

    private static void Answered(RemoteCallScope call, HttpResponseMessage response) =>
        call.Answered(
            (int)response.StatusCode,
            RequestIdAttribute,
            call.IsTraced && response.Headers.NonValidated.TryGetValues("x-amzn-RequestId", out var id) ? id.ToString() : null);
}
