namespace KvReplicator.SecretsManager.Model;

/// <summary>A ListSecrets filter. Secrets Manager matches every value as a prefix.</summary>
internal sealed class Filter
{
    public const string NameKey = "name";
    public const string TagKeyKey = "tag-key";
    public const string TagValueKey = "tag-value";

    public required string Key { get; init; }

    public required IReadOnlyList<string> Values { get; init; }
}
