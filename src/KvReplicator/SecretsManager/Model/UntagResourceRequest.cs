namespace KvReplicator.SecretsManager.Model;

internal sealed class UntagResourceRequest
{
    public required string SecretId { get; init; }

    public required IReadOnlyList<string> TagKeys { get; init; }
}
