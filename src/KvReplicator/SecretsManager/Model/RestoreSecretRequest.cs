namespace KvReplicator.SecretsManager.Model;

public sealed class RestoreSecretRequest
{
    public required string SecretId { get; init; }
}
