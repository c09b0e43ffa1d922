using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

internal sealed class GetResourcePolicyResponse
{
    [JsonPropertyName("ARN")]
    public string? Arn { get; init; }

    public string? Name { get; init; }

    /// <summary>The policy document as JSON text; absent when the secret has none.</summary>
    public string? ResourcePolicy { get; init; }
}
