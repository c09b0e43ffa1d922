namespace KvReplicator.SecretsManager.Model;

internal sealed class TagResourceRequest
{
    public required string SecretId { get; init; }

    public required IReadOnlyList<Tag> Tags { get; init; }
}
