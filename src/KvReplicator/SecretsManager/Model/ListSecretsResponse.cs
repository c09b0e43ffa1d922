namespace KvReplicator.SecretsManager.Model;

public sealed class ListSecretsResponse
{
    public IReadOnlyList<SecretListEntry> SecretList { get; init; } = [];

    public string? NextToken { get; init; }
}
