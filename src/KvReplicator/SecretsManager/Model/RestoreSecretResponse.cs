using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

internal sealed class RestoreSecretResponse
{
    [JsonPropertyName("ARN")]
    public string? Arn { get; init; }

    public string? Name { get; init; }
}
