using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

internal sealed class DescribeSecretResponse
{
    [JsonPropertyName("ARN")]
    public string? Arn { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    public string? KmsKeyId { get; init; }

    /// <summary>Set while the secret is scheduled for deletion.</summary>
    [JsonConverter(typeof(EpochSecondsJsonConverter))]
    public DateTimeOffset? DeletedDate { get; init; }

    [JsonConverter(typeof(EpochSecondsJsonConverter))]
    public DateTimeOffset? CreatedDate { get; init; }

    [JsonConverter(typeof(EpochSecondsJsonConverter))]
    public DateTimeOffset? LastChangedDate { get; init; }

    public IReadOnlyList<Tag>? Tags { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>>? VersionIdsToStages { get; init; }

    /// <summary>The regions the secret is replicated to, and how.</summary>
    public IReadOnlyList<ReplicationStatusType>? ReplicationStatus { get; init; }
}
