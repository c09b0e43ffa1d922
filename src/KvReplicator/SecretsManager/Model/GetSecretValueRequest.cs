namespace KvReplicator.SecretsManager.Model;

internal sealed class GetSecretValueRequest
{
    public required string SecretId { get; init; }

    public string? VersionId { get; init; }

    public string? VersionStage { get; init; }
}
