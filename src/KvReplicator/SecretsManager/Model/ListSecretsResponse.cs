namespace KvReplicator.SecretsManager.Model;

internal sealed class ListSecretsResponse
{
    public IReadOnlyList<SecretListEntry> SecretList { get; init; } = [];

    /// <summary>Null or empty on the last page (moto sends an empty string).</summary>
    public string? NextToken { get; init; }
}
