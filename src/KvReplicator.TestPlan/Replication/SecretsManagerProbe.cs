using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;

namespace KvReplicator.TestPlan.Replication;

/// <summary>
/// Read-only look at Secrets Manager (ListSecretVersionIds, GetSecretValue): a secret that does not exist yet
/// is an empty list, not an error, and a value is only ever held long enough to hash it.
/// </summary>
public sealed class SecretsManagerProbe(SecretsManagerClient client)
{
    /// <summary>Every version (deprecated ones too) with its staging labels; empty when the secret does not exist.</summary>
    public async Task<IReadOnlyList<SecretVersionsListEntry>> ListVersionsAsync(string targetName, CancellationToken cancellationToken = default) =>
        await ListVersionsAsync(targetName, confirmedToExist: false, cancellationToken).ConfigureAwait(false);

    private async Task<IReadOnlyList<SecretVersionsListEntry>> ListVersionsAsync(string targetName, bool confirmedToExist, CancellationToken cancellationToken)
    {
        var versions = new List<SecretVersionsListEntry>();
        string? next = null;
        try
        {
            do
            {
                ListSecretVersionIdsResponse page = await client.ListSecretVersionIdsAsync(
                    new ListSecretVersionIdsRequest { SecretId = targetName, IncludeDeprecated = true, NextToken = next, MaxResults = 100 },
                    cancellationToken).ConfigureAwait(false);
                versions.AddRange(page.Versions);
                next = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
            }
            while (next is not null);
        }
        catch (SecretsManagerException exception) when (exception.ErrorType == "ResourceNotFoundException")
        {
            return [];
        }
        catch (SecretsManagerException exception) when (exception.HttpStatus >= 500 && !confirmedToExist)
        {
            // moto answers ListSecretVersionIds for a missing secret with HTTP 500 where AWS says ResourceNotFound;
            // DescribeSecret tells the two apart. When the secret exists (it may have been created a moment ago),
            // the list is asked once more, and a second failure is a real one.
            return await ExistsAsync(targetName, cancellationToken).ConfigureAwait(false)
                ? await ListVersionsAsync(targetName, confirmedToExist: true, cancellationToken).ConfigureAwait(false)
                : [];
        }

        return versions;
    }

    private async Task<bool> ExistsAsync(string targetName, CancellationToken cancellationToken)
    {
        try
        {
            await client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = targetName }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SecretsManagerException exception) when (exception.ErrorType == "ResourceNotFoundException")
        {
            return false;
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
        catch (SecretsManagerException exception) when (exception.ErrorType == "ResourceNotFoundException")
        {
            return null;
        }
    }
}
