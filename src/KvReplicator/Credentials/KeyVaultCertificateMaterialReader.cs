using Azure;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Replication;

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
        string certificate = await ReadAsync(sourceName, _options.CertificateSecretName, required: true, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("unreachable: a required secret is never null");
        string privateKey = await ReadAsync(sourceName, _options.PrivateKeySecretName, required: true, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("unreachable: a required secret is never null");
        string? chain = await ReadAsync(sourceName, _options.ChainSecretName, required: false, cancellationToken).ConfigureAwait(false);
        return new RolesAnywhereCertificateMaterial(certificate, new SecretValue(privateKey), string.IsNullOrWhiteSpace(chain) ? null : chain);
    }

    private async Task<string?> ReadAsync(string sourceName, string secretName, bool required, CancellationToken cancellationToken)
    {
        try
        {
            Response<KeyVaultSecret> response = await _client.GetSecretAsync(secretName, null, cancellationToken).ConfigureAwait(false);
            string? value = response.Value.Value;
            if (required && string.IsNullOrWhiteSpace(value))
            {
                throw Failure(sourceName, $"Key Vault secret '{secretName}' is empty", "EmptySecret");
            }

            return value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && !required)
        {
            return null;
        }
        catch (RequestFailedException ex)
        {
            // The message of a RequestFailedException includes the response body; only status and code are kept.
            throw Failure(sourceName, $"reading Key Vault secret '{secretName}' failed with HTTP {ex.Status} ({ex.ErrorCode ?? "no error code"})", ex.ErrorCode ?? $"Http{ex.Status}");
        }
    }

    private static SecretStoreException Failure(string sourceName, string cause, string errorCode) =>
        new($"Credential source '{sourceName}' could not get AWS credentials: {cause}", isTransient: true, errorCode);
}
