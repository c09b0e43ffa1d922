using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

internal sealed class UpdateSecretVersionStageResponse
{
    [JsonPropertyName("ARN")]
    public string? Arn { get; init; }

    public string? Name { get; init; }
}
