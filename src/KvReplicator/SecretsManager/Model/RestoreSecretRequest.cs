namespace KvReplicator.SecretsManager.Model;

internal sealed class RestoreSecretRequest
{
    public required string SecretId { get; init; }
}
