namespace KvReplicator.SecretsManager.Model;

public sealed class TagResourceRequest
{
    public required string SecretId { get; init; }

    public required IReadOnlyList<Tag> Tags { get; init; }
}
