using System.Collections.Concurrent;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;

namespace KvReplicator.TestPlan.Replication;

/// <summary>
/// Read-only look at Secrets Manager (DescribeSecret, ListSecretVersionIds, GetSecretValue): a secret that does
/// not exist yet is an empty list, not an error, and a value is only ever held long enough to hash it.
/// </summary>
internal sealed class SecretsManagerProbe(SecretsManagerClient client)
{
    private const string NotFound = "ResourceNotFoundException";

    private readonly ConcurrentDictionary<string, bool> _existing = new(StringComparer.Ordinal);

    /// <summary>Every version (deprecated ones too) with its staging labels; empty when the secret does not exist.</summary>
    public async Task<IReadOnlyList<SecretVersionsListEntry>> ListVersionsAsync(string targetName, CancellationToken cancellationToken = default)
    {
        // moto answers ListSecretVersionIds for a missing secret with HTTP 500 where AWS says ResourceNotFound, so
        // existence is settled with DescribeSecret until the secret has been seen once.
        if (!_existing.ContainsKey(targetName))
        {
            if (!await ExistsAsync(targetName, cancellationToken).ConfigureAwait(false))
            {
                return [];
            }

            _existing[targetName] = true;
        }

        try
        {
            return await ListAllPagesAsync(targetName, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretsManagerException exception) when (exception.ErrorType == NotFound || exception.HttpStatus >= 500)
        {
            if (exception.ErrorType != NotFound && await ExistsAsync(targetName, cancellationToken).ConfigureAwait(false))
            {
                throw;
            }

            // Deleted since it was seen.
            _existing.TryRemove(targetName, out _);
            return [];
        }
    }

    /// <summary>The version id and value hash of a version (by id) or a stage; null when it does not exist.</summary>
    public async Task<(string VersionId, string Sha256Hex)?> GetHashAsync(string targetName, string? versionId = null, string? stage = null, CancellationToken cancellationToken = default)
    {
        try
        {
            GetSecretValueResponse response = await client.GetSecretValueAsync(
                new GetSecretValueRequest { SecretId = targetName, VersionId = versionId, VersionStage = stage }, cancellationToken).ConfigureAwait(false);
            SecretValue? value = response.SecretString;
            return value is null || response.VersionId is null ? null : (response.VersionId, value.Sha256Hex());
        }
        catch (SecretsManagerException exception) when (exception.ErrorType == NotFound)
        {
            return null;
        }
    }

    private async Task<IReadOnlyList<SecretVersionsListEntry>> ListAllPagesAsync(string targetName, CancellationToken cancellationToken)
    {
        var versions = new List<SecretVersionsListEntry>();
        string? next = null;
        do
        {
            ListSecretVersionIdsResponse page = await client.ListSecretVersionIdsAsync(
                new ListSecretVersionIdsRequest { SecretId = targetName, IncludeDeprecated = true, NextToken = next, MaxResults = 100 },
                cancellationToken).ConfigureAwait(false);
            versions.AddRange(page.Versions);
            next = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        }
        while (next is not null);
        return versions;
    }

    private async Task<bool> ExistsAsync(string targetName, CancellationToken cancellationToken)
    {
        try
        {
            await client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = targetName }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SecretsManagerException exception) when (exception.ErrorType == NotFound)
        {
            return false;
        }
    }
}
