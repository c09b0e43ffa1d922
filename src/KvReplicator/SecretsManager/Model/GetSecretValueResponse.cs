using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

internal sealed class GetSecretValueResponse
{
    [JsonPropertyName("ARN")]
    public string? Arn { get; init; }

    public string? Name { get; init; }

    public string? VersionId { get; init; }

    public KvReplicator.SecretValue? SecretString { get; init; }

    public IReadOnlyList<string>? VersionStages { get; init; }

    [JsonConverter(typeof(EpochSecondsJsonConverter))]
    public DateTimeOffset? CreatedDate { get; init; }
}
