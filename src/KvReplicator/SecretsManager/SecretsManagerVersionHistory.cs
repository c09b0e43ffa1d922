using KvReplicator.Coalescing;
using KvReplicator.SecretsManager.Model;

namespace KvReplicator.SecretsManager;

/// <summary>Counts a Secrets Manager secret's recent versions with ListSecretVersionIds (a read: no write quota).</summary>
public sealed class SecretsManagerVersionHistory : ITargetVersionHistory
{
    private readonly SecretsManagerClient _client;

    public SecretsManagerVersionHistory(SecretsManagerClient client)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
    }

    public async Task<int> CountVersionsCreatedSinceAsync(string targetName, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        int count = 0;
        string? nextToken = null;
        try
        {
            // Asking whether the secret exists first costs a read with a far higher quota, and spares the
            // listing of a missing secret, which some emulators answer with a server error instead of 404.
            await _client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = targetName }, cancellationToken).ConfigureAwait(false);
            do
            {
                ListSecretVersionIdsResponse page = await _client.ListSecretVersionIdsAsync(
                    new ListSecretVersionIdsRequest { SecretId = targetName, IncludeDeprecated = true, MaxResults = 100, NextToken = nextToken },
                    cancellationToken).ConfigureAwait(false);

                // A version without a creation date is counted: better to coalesce once too often than to hit the wall.
                count += page.Versions.Count(v => v.CreatedDate is not { } created || created >= since);
                nextToken = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
            }
            while (nextToken is not null);
        }
        catch (SecretsManagerException ex) when (ex.ErrorType == SecretsManagerErrorTypes.ResourceNotFound)
        {
            return 0;
        }

        return count;
    }
}
