using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

/// <summary>The body of a JSON 1.1 error: <c>{"__type": "…", "message": "…"}</c> (some services spell it <c>Message</c>).</summary>
internal sealed class ErrorResponse
{
    [JsonPropertyName("__type")]
    public string? Type { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }
}
