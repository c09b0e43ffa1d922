using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace KvReplicator.Credentials;

/// <summary>
/// Reads the Roles Anywhere certificate, private key and optional chain from Key Vault, into memory only.
/// Failures name the secret and the service's status, never a value.
/// </summary>
internal sealed class KeyVaultCertificateMaterialReader
{
    private readonly SecretClient _client;
    private readonly RolesAnywhereOptions _options;

    public KeyVaultCertificateMaterialReader(SecretClient client, RolesAnywhereOptions options)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    public async Task<RolesAnywhereCertificateMaterial> ReadAsync(string sourceName, CancellationToken cancellationToken = default)
    {
        string certificate = await ReadRequiredAsync(sourceName, _options.CertificateSecretName, cancellationToken).ConfigureAwait(false);
        string privateKey = await ReadRequiredAsync(sourceName, _options.PrivateKeySecretName, cancellationToken).ConfigureAwait(false);
        string? chain = await ReadAsync(sourceName, _options.ChainSecretName, cancellationToken).ConfigureAwait(false);
        return new RolesAnywhereCertificateMaterial(certificate, new SecretValue(privateKey), string.IsNullOrWhiteSpace(chain) ? null : chain);
    }

    private async Task<string> ReadRequiredAsync(string sourceName, string secretName, CancellationToken cancellationToken)
    {
        string? value = await ReadAsync(sourceName, secretName, cancellationToken).ConfigureAwait(false);
        return value switch
        {
            null => throw Failure(sourceName, $"Key Vault secret '{secretName}' was not found (HTTP 404)", "SecretNotFound"),
            _ when string.IsNullOrWhiteSpace(value) => throw Failure(sourceName, $"Key Vault secret '{secretName}' is empty", "EmptySecret"),
            _ => value,
        };
    }

    /// <summary>The secret's value, or null when Key Vault has no such secret.</summary>
    private async Task<string?> ReadAsync(string sourceName, string secretName, CancellationToken cancellationToken)
    {
        try
        {
            Response<KeyVaultSecret> response = await _client.GetSecretAsync(secretName, null, cancellationToken).ConfigureAwait(false);
            return response.Value.Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException ex)
        {
            // The message of a RequestFailedException includes the response body; only the status and a documented code are kept.
            string? code = KeyVaultErrorCodes.Known(ex.ErrorCode);
            throw Failure(sourceName, $"reading Key Vault secret '{secretName}' failed with HTTP {ex.Status} ({code ?? "no documented error code"})", code ?? $"Http{ex.Status}");
        }
        catch (AuthenticationFailedException)
        {
            throw Failure(sourceName, $"could not authenticate to Key Vault to read secret '{secretName}'", "KeyVaultAuthenticationFailed");
        }
    }

    private static SecretStoreException Failure(string sourceName, string cause, string errorCode) =>
        new($"Credential source '{sourceName}' could not get AWS credentials: {cause}", isTransient: true, errorCode);
}
