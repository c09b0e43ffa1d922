using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

internal sealed class SecretVersionsListEntry
{
    public string? VersionId { get; init; }

    public IReadOnlyList<string>? VersionStages { get; init; }

    [JsonConverter(typeof(EpochSecondsJsonConverter))]
    public DateTimeOffset? CreatedDate { get; init; }
}
