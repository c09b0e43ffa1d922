namespace KvReplicator.SecretsManager.Model;

/// <summary>A Secrets Manager tag.</summary>
internal sealed class Tag
{
    public string? Key { get; init; }

    public string? Value { get; init; }
}
