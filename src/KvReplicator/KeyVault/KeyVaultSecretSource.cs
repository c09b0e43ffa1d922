using System.Runtime.CompilerServices;
using Azure;
using Azure.Security.KeyVault.Secrets;

namespace KvReplicator.KeyVault;

/// <summary>
/// Key Vault behind <see cref="ISecretSource"/>: reads exact versions and finds the newest enabled one.
/// "Not found" and "disabled" are results; every other failure is a <see cref="SecretStoreException"/>
/// whose message carries no response body and so no value.
/// </summary>
internal sealed class KeyVaultSecretSource : ISecretSource
{
    private readonly SecretClient _client;

    public KeyVaultSecretSource(SecretClient client, string vaultName)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(vaultName);
        _client = client;
        VaultName = vaultName;
    }

    public string VaultName { get; }

    public Task<SourceReadResult> ReadVersionAsync(string secretName, string version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretName);

        // An empty version would make the SDK read the latest one, which is not the version asked for.
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        return ReadAsync(secretName, version, cancellationToken);
    }

    public Task<SourceReadResult> ReadLatestAsync(string secretName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretName);
        return ReadAsync(secretName, version: null, cancellationToken);
    }

    private async Task<SourceReadResult> ReadAsync(string secretName, string? version, CancellationToken cancellationToken)
    {
        try
        {
            KeyVaultSecret secret = (await _client.GetSecretAsync(secretName, version, cancellationToken).ConfigureAwait(false)).Value;
            if (secret.Properties.Enabled == false)
            {
                return SourceReadResult.Disabled;
            }

            // The listing for sync leaves these out too; an event (or a replayed one) must not copy them either.
            if (secret.Properties.Managed)
            {
                return SourceReadResult.Managed;
            }

            return SourceReadResult.Found(new SourceSecretVersion
            {
                VaultName = VaultName,
                Name = secret.Name,
                Version = secret.Properties.Version.ToLowerInvariant(),
                Value = new SecretValue(secret.Value ?? string.Empty),
                ContentType = secret.Properties.ContentType,
                Tags = new Dictionary<string, string>(secret.Properties.Tags, StringComparer.Ordinal),
                CreatedOn = secret.Properties.CreatedOn,
                ExpiresOn = secret.Properties.ExpiresOn,
            });
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return SourceReadResult.NotFound;
        }
        catch (RequestFailedException exception) when (KeyVaultFailures.IsDisabledSecret(exception))
        {
            return SourceReadResult.Disabled;
        }
        catch (Exception exception) when (KeyVaultFailures.IsStoreFailure(exception, cancellationToken))
        {
            throw KeyVaultFailures.ToStoreException(exception, version is null ? "read of the latest version" : "read of a secret version", secretName);
        }
    }

    /// <remarks>
    /// One GET of the latest version answers the common case. When that version is disabled, the versions
    /// are listed (without values) and the newest enabled one by creation time wins; versions created in
    /// the same second are ordered as the vault lists them.
    /// </remarks>
    public async Task<string?> GetLatestEnabledVersionAsync(string secretName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretName);
        try
        {
            KeyVaultSecret latest = (await _client.GetSecretAsync(secretName, null, cancellationToken).ConfigureAwait(false)).Value;
            if (latest.Properties.Enabled != false)
            {
                return latest.Properties.Version.ToLowerInvariant();
            }
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException exception) when (KeyVaultFailures.IsDisabledSecret(exception))
        {
            // The latest version is disabled: an older one may still be the newest enabled.
        }
        catch (Exception exception) when (KeyVaultFailures.IsStoreFailure(exception, cancellationToken))
        {
            throw KeyVaultFailures.ToStoreException(exception, "read of the latest version", secretName);
        }

        try
        {
            SecretProperties? newest = null;
            await foreach (SecretProperties version in _client.GetPropertiesOfSecretVersionsAsync(secretName, cancellationToken).ConfigureAwait(false))
            {
                if (version.Enabled != false && (newest is null || version.CreatedOn >= newest.CreatedOn))
                {
                    newest = version;
                }
            }

            return newest?.Version.ToLowerInvariant();
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
        catch (Exception exception) when (KeyVaultFailures.IsStoreFailure(exception, cancellationToken))
        {
            throw KeyVaultFailures.ToStoreException(exception, "listing of versions", secretName);
        }
    }

    /// <summary>
    /// Every secret of the vault with its latest version's properties, for a full sync. Costs one paged
    /// listing of the vault plus one of each secret's versions; reads no value.
    /// </summary>
    public async IAsyncEnumerable<SourceSecretSummary> ListSecretsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using IAsyncEnumerator<SecretProperties> secrets = _client.GetPropertiesOfSecretsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (await MoveNextAsync(secrets, "listing of secrets", null, cancellationToken).ConfigureAwait(false))
        {
            SecretProperties secret = secrets.Current;
            if (secret.Managed)
            {
                // Secrets backing Key Vault certificates belong to the certificate, not to the replicator.
                continue;
            }

            string? latestVersion = await LatestVersionAsync(secret.Name, cancellationToken).ConfigureAwait(false);
            yield return new SourceSecretSummary(
                secret.Name,
                secret.Enabled != false,
                new Dictionary<string, string>(secret.Tags, StringComparer.Ordinal),
                secret.ContentType,
                latestVersion,
                secret.UpdatedOn);
        }
    }

    private async Task<string?> LatestVersionAsync(string secretName, CancellationToken cancellationToken)
    {
        SecretProperties? newest = null;
        await using IAsyncEnumerator<SecretProperties> versions = _client.GetPropertiesOfSecretVersionsAsync(secretName, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (await MoveNextAsync(versions, "listing of versions", secretName, cancellationToken).ConfigureAwait(false))
            {
                if (newest is null || versions.Current.CreatedOn >= newest.CreatedOn)
                {
                    newest = versions.Current;
                }
            }
        }
        catch (SecretStoreException exception) when (exception.ErrorCode == "SecretNotFound")
        {
            // Deleted between the two listings: it has no latest version any more.
            return null;
        }

        return newest?.Version.ToLowerInvariant();
    }

    private static async ValueTask<bool> MoveNextAsync(IAsyncEnumerator<SecretProperties> enumerator, string operation, string? secretName, CancellationToken cancellationToken)
    {
        try
        {
            return await enumerator.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (KeyVaultFailures.IsStoreFailure(exception, cancellationToken))
        {
            throw KeyVaultFailures.ToStoreException(exception, operation, secretName);
        }
    }
}
