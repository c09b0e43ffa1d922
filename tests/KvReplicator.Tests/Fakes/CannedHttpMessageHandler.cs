using System.Net;
using System.Text;

namespace KvReplicator.Tests.Fakes;

/// <summary>
/// Answers requests with queued responses, in order, and records what went on the wire. A queued
/// exception is thrown instead of answering, to stand for a network failure.
/// </summary>
public sealed class CannedHttpMessageHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _responses = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The X-Amz-Target operations, in the order they were called.</summary>
    public IReadOnlyList<string> Operations => [.. Requests.Select(request => request.Operation)];

    public CannedHttpMessageHandler Respond(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        lock (_gate)
        {
            _responses.Enqueue(() =>
            {
                var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
                foreach ((string name, string value) in headers)
                {
                    response.Headers.TryAddWithoutValidation(name, value);
                }

                return response;
            });
        }

        return this;
    }

    public CannedHttpMessageHandler RespondOk(string json = "{}") => Respond(HttpStatusCode.OK, json);

    public CannedHttpMessageHandler RespondError(HttpStatusCode status, string errorType, string message = "canned error") =>
        Respond(status, $$"""{"__type":"{{errorType}}","message":"{{message}}"}""");

    public CannedHttpMessageHandler Throw(Exception exception)
    {
        lock (_gate)
        {
            _responses.Enqueue(() => throw exception);
        }

        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(header => header.Key, header => string.Join(",", header.Value), StringComparer.OrdinalIgnoreCase);
        Func<HttpResponseMessage> next;
        lock (_gate)
        {
            _requests.Add(new RecordedRequest(request.Method, request.RequestUri!, headers, body));
            if (!_responses.TryDequeue(out next!))
            {
                throw new InvalidOperationException($"No canned response left for {headers.GetValueOrDefault("X-Amz-Target")}.");
            }
        }

        return next();
    }
}
