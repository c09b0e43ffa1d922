using System.Net;
using System.Text;
using System.Text.Json;

namespace KvReplicator.Testing.SecretsManager;

/// <summary>How <see cref="RequestQuotingSecretsManager"/> answers a write.</summary>
public enum QuotingMode
{
    /// <summary>400 <c>ValidationException</c> whose message quotes the whole request body, as observed from a proxy.</summary>
    ValidationException,

    /// <summary>500 <c>InternalFailure</c> quoting the body: transient, so the client retries it first.</summary>
    InternalFailure,

    /// <summary>500 with an HTML page (no JSON at all) quoting the body, as a load balancer's error page might.</summary>
    NonJsonServerError,

    /// <summary>400 with the value in every slot: <c>__type</c>, message, <c>x-amzn-ErrorType</c> and <c>x-amzn-RequestId</c>.</summary>
    ValueInEverySlot,
}

/// <summary>
/// A misbehaving hop in front of Secrets Manager (moto, or whatever handler it wraps): CreateSecret and
/// PutSecretValue are answered with an error that quotes the request they carried, value included, the way AWS
/// itself never does; every other call passes through. Counts the writes it refused.
/// </summary>
internal sealed class RequestQuotingSecretsManager(QuotingMode mode) : DelegatingHandler
{
    private static readonly HashSet<string> s_quotedOperations = new(StringComparer.Ordinal)
    {
        "secretsmanager.CreateSecret", "secretsmanager.PutSecretValue",
    };

    private int _quoted;
    private volatile bool _quoting = true;

    public int Quoted => Volatile.Read(ref _quoted);

    /// <summary>While false, writes pass through too (to create the secret a PutSecretValue then fails on).</summary>
    public bool Quoting
    {
        get => _quoting;
        set => _quoting = value;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? target = request.Headers.TryGetValues("X-Amz-Target", out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
        if (!_quoting || target is null || !s_quotedOperations.Contains(target) || request.Content is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        string body = await request.Content.ReadAsStringAsync(cancellationToken);
        string value = JsonDocument.Parse(body).RootElement.GetProperty("SecretString").GetString() ?? string.Empty;
        Interlocked.Increment(ref _quoted);
        string quote = $"1 validation error detected: request {body} failed to satisfy constraint";
        HttpResponseMessage response = mode switch
        {
            QuotingMode.ValidationException => Json(HttpStatusCode.BadRequest, "ValidationException", quote),
            QuotingMode.InternalFailure => Json(HttpStatusCode.InternalServerError, "InternalFailure", quote),
            QuotingMode.NonJsonServerError => new HttpResponseMessage(HttpStatusCode.InternalServerError)
            {
                Content = new StringContent($"<html><body><h1>502 upstream failed</h1><pre>{body}\n{value}</pre></body></html>", Encoding.UTF8, "text/html"),
            },
            _ => Json(HttpStatusCode.BadRequest, value, value + " " + quote),
        };
        if (mode == QuotingMode.ValueInEverySlot)
        {
            // Only a value that can be a header value can ride in one; the body slots take any value.
            response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", value);
            response.Headers.TryAddWithoutValidation("x-amzn-RequestId", value);
        }
        else
        {
            response.Headers.TryAddWithoutValidation("x-amzn-RequestId", "5f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c");
        }

        return response;
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string type, string message) => new(status)
    {
        Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }), Encoding.UTF8, "application/x-amz-json-1.1"),
    };
}
