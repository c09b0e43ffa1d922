namespace KvReplicator.SecretsManager.Model;

/// <summary>A Secrets Manager tag.</summary>
public sealed class Tag
{
    public string? Key { get; init; }

    public string? Value { get; init; }
}
