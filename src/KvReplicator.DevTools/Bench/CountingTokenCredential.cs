using Azure.Core;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Counts the access tokens the Key Vault client asks for. The SDK caches a token until near expiry, so
/// a steady state should ask none: a count per event would mean a credential fetch per event.
/// </summary>
internal sealed class CountingTokenCredential(TokenCredential inner, RemoteCallCounter counter) : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        counter.Record(RemoteService.KeyVaultToken, "GetToken");
        return inner.GetToken(requestContext, cancellationToken);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        counter.Record(RemoteService.KeyVaultToken, "GetToken");
        return inner.GetTokenAsync(requestContext, cancellationToken);
    }
}
