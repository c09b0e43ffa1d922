using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

/// <summary>The answer of calls that only name the secret they changed (PutResourcePolicy, ReplicateSecretToRegions).</summary>
internal sealed class ResourceResponse
{
    [JsonPropertyName("ARN")]
    public string? Arn { get; init; }

    public string? Name { get; init; }
}
