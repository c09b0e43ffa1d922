using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

internal sealed class SecretListEntry
{
    [JsonPropertyName("ARN")]
    public string? Arn { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    [JsonConverter(typeof(EpochSecondsJsonConverter))]
    public DateTimeOffset? DeletedDate { get; init; }

    public IReadOnlyList<Tag>? Tags { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>>? SecretVersionsToStages { get; init; }
}
