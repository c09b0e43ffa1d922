namespace KvReplicator.SecretsManager.Model;

public sealed class DescribeSecretRequest
{
    public required string SecretId { get; init; }
}
