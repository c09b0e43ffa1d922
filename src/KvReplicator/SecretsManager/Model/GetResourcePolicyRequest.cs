namespace KvReplicator.SecretsManager.Model;

internal sealed class GetResourcePolicyRequest
{
    public required string SecretId { get; init; }
}
