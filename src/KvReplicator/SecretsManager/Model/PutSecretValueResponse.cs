using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

internal sealed class PutSecretValueResponse
{
    [JsonPropertyName("ARN")]
    public string? Arn { get; init; }

    public string? Name { get; init; }

    public string? VersionId { get; init; }

    public IReadOnlyList<string>? VersionStages { get; init; }
}
