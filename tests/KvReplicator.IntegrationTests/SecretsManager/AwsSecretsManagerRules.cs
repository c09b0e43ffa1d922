using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace KvReplicator.IntegrationTests.SecretsManager;

/// <summary>
/// Stands in front of moto and refuses, the way AWS Secrets Manager does, requests that moto accepts: a
/// SecretString over 65,536 bytes (<c>ValidationException</c>), and the actions an IAM policy does not allow
/// (<c>AccessDeniedException</c>; moto, as the tests start it, allows everything). A refusal has AWS's status,
/// <c>__type</c>, <c>x-amzn-ErrorType</c> header and message shape, and never reaches moto.
/// </summary>
/// <remarks>
/// Validation errors come from AWS's request validation layer, whose <c>__type</c> carries a namespace and
/// whose message names the member without echoing a sensitive value; the client must act on the type alone.
/// </remarks>
internal sealed class AwsSecretsManagerRules(params string[] deniedActions) : DelegatingHandler
{
    /// <summary>AWS's limit on SecretString (and SecretBinary): 65,536 bytes.</summary>
    public const int MaxSecretStringBytes = 65_536;

    private const string AccountId = "123456789012";

    private static readonly HashSet<string> s_valueWrites = new(StringComparer.Ordinal) { "CreateSecret", "PutSecretValue", "UpdateSecret" };

    private readonly HashSet<string> _denied = new(deniedActions, StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _refused = new();

    /// <summary>The operations refused so far, with the error type, e.g. <c>PutSecretValue: ValidationException</c>.</summary>
    public IReadOnlyList<string> Refused => [.. _refused];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string operation = request.Headers.TryGetValues("X-Amz-Target", out IEnumerable<string>? targets)
            ? targets.First()[(targets.First().LastIndexOf('.') + 1)..]
            : string.Empty;
        byte[] payload = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        using JsonDocument body = JsonDocument.Parse(payload.Length == 0 ? "{}"u8.ToArray() : payload);
        string secretId = body.RootElement.TryGetProperty("SecretId", out JsonElement id) || body.RootElement.TryGetProperty("Name", out id) ? id.GetString() ?? string.Empty : string.Empty;

        if (_denied.Contains(operation))
        {
            return Refuse(operation, "AccessDeniedException", null,
                $"User: arn:aws:sts::{AccountId}:assumed-role/kvreplicator/kvrep is not authorized to perform: secretsmanager:{operation} on resource: "
                + $"arn:aws:secretsmanager:us-east-1:{AccountId}:secret:{secretId} because no identity-based policy allows the secretsmanager:{operation} action");
        }

        if (s_valueWrites.Contains(operation)
            && body.RootElement.TryGetProperty("SecretString", out JsonElement value)
            && Encoding.UTF8.GetByteCount(value.GetString() ?? string.Empty) > MaxSecretStringBytes)
        {
            return Refuse(operation, "com.amazon.coral.validate#ValidationException", "ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/",
                $"1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to {MaxSecretStringBytes}");
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private HttpResponseMessage Refuse(string operation, string type, string? headerType, string message)
    {
        _refused.Enqueue($"{operation}: {type[(type.LastIndexOf('#') + 1)..]}");
        var response = new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }), Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", headerType ?? type);
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", Guid.NewGuid().ToString());
        return response;
    }
}
