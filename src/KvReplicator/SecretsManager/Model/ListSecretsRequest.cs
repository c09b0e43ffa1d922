namespace KvReplicator.SecretsManager.Model;

internal sealed class ListSecretsRequest
{
    public IReadOnlyList<Filter>? Filters { get; init; }

    public bool? IncludePlannedDeletion { get; init; }

    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }
}
