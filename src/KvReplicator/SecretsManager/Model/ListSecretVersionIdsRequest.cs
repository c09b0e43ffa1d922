namespace KvReplicator.SecretsManager.Model;

internal sealed class ListSecretVersionIdsRequest
{
    public required string SecretId { get; init; }

    /// <summary>Also list versions with no staging label, which Secrets Manager may delete at any time.</summary>
    public bool? IncludeDeprecated { get; init; }

    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }
}
