using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

internal sealed class GetSecretValueResponse
{
    [JsonPropertyName("ARN")]
    public string? Arn { get; init; }

    public string? Name { get; init; }

    public string? VersionId { get; init; }

    public KvReplicator.SecretValue? SecretString { get; init; }

    /// <summary>A binary value, base64-encoded as the JSON protocol carries blobs.</summary>
    public KvReplicator.SecretValue? SecretBinary { get; init; }

    public IReadOnlyList<string>? VersionStages { get; init; }

    [JsonConverter(typeof(EpochSecondsJsonConverter))]
    public DateTimeOffset? CreatedDate { get; init; }
}
