using Azure.Core;

namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>
/// A credential for <see cref="LocalKeyVault"/>: a fixed fake token that never leaves this machine, valid
/// for an hour from each request so the SDK never sees it expire.
/// </summary>
public sealed class LocalKeyVaultCredential : TokenCredential
{
    /// <summary>The token handed out when none is given; it grants nothing anywhere but the stand-in.</summary>
    public const string DefaultToken = "local-key-vault-token";

    private readonly string _token;
    private readonly TimeProvider _timeProvider;

    public LocalKeyVaultCredential(string token = DefaultToken, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _token = token;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(_token, _timeProvider.GetUtcNow().AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
