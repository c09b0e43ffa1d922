namespace KvReplicator.SecretsManager.Model;

public sealed class UntagResourceRequest
{
    public required string SecretId { get; init; }

    public required IReadOnlyList<string> TagKeys { get; init; }
}
