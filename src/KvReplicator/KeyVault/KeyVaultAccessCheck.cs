using Azure;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Preflight;
using Microsoft.Extensions.Options;

namespace KvReplicator.KeyVault;

/// <summary>
/// Key Vault's preflight: one page of one secret's properties, which proves the address, the TLS trust, the
/// challenge, the token and the list permission in one call (no value is read). Failures are the ones
/// <see cref="KeyVaultFailures"/> gives every read, so start-up and a delivery describe them alike.
/// </summary>
internal sealed class KeyVaultAccessCheck(IOptions<KeyVaultOptions> options, Func<KeyVaultOptions, SecretClient> createClient) : IStoreCheck
{
    public string Store => "Key Vault";

    public string? Requires => null;

    public async Task<StoreCheckResult> CheckAsync(CancellationToken cancellationToken = default)
    {
        KeyVaultOptions vault = options.Value;
        string target = $"{vault.VaultUri} (vault '{vault.EffectiveVaultName}')";
        SecretClient client = createClient(vault);
        try
        {
            await using IAsyncEnumerator<Page<SecretProperties>> pages = client.GetPropertiesOfSecretsAsync(cancellationToken)
                .AsPages(pageSizeHint: 1).GetAsyncEnumerator(cancellationToken);
            await pages.MoveNextAsync().ConfigureAwait(false);
            return StoreCheckResult.Passed(target, "a token was accepted and secrets can be listed");
        }
        catch (Exception exception) when (KeyVaultFailures.IsStoreFailure(exception, cancellationToken))
        {
            SecretStoreException failure = KeyVaultFailures.ToStoreException(exception, "listing of secrets", secretName: null);

            // A delivery waits for a managed identity endpoint that is not up yet; at start, no credential at all is a setting to fix.
            return failure.ErrorCode == KeyVaultFailures.CredentialUnavailableCode
                ? StoreCheckResult.Failed(target, failure.Message, PreflightFailure.Refused)
                : StoreCheckResult.Failed(target, failure);
        }
    }
}
