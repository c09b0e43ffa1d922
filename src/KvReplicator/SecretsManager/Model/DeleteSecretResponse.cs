using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

internal sealed class DeleteSecretResponse
{
    [JsonPropertyName("ARN")]
    public string? Arn { get; init; }

    public string? Name { get; init; }

    [JsonConverter(typeof(EpochSecondsJsonConverter))]
    public DateTimeOffset? DeletionDate { get; init; }
}
