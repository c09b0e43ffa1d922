using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

internal sealed class ListSecretVersionIdsResponse
{
    [JsonPropertyName("ARN")]
    public string? Arn { get; init; }

    public string? Name { get; init; }

    public IReadOnlyList<SecretVersionsListEntry> Versions { get; init; } = [];

    /// <summary>Null or empty on the last page (moto sends an empty string).</summary>
    public string? NextToken { get; init; }
}
