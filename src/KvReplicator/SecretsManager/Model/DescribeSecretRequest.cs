namespace KvReplicator.SecretsManager.Model;

internal sealed class DescribeSecretRequest
{
    public required string SecretId { get; init; }
}
