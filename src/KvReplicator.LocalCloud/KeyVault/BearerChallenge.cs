using System.Net;
using Microsoft.AspNetCore.Http;

namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>
/// Key Vault's challenge-based authentication: a request without a bearer token gets 401 and a
/// <c>WWW-Authenticate</c> header naming the authority and resource, from which the SDK learns what token
/// to ask its credential for.
/// </summary>
internal sealed class BearerChallenge
{
    private const string Resource = "https://vault.azure.net";

    private readonly string _challenge;
    private readonly string? _expectedToken;

    public BearerChallenge(string tenantId, string? expectedToken)
    {
        _challenge = $"Bearer authorization=\"https://login.microsoftonline.com/{tenantId}\", resource=\"{Resource}\"";
        _expectedToken = expectedToken;
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        string authorization = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        bool hasBearer = authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && authorization.Length > Scheme.Length;
        bool accepted = hasBearer && (_expectedToken is null || string.Equals(authorization[Scheme.Length..].Trim(), _expectedToken, StringComparison.Ordinal));
        if (accepted)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        context.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        context.Response.Headers.WWWAuthenticate = _challenge;
        string message = hasBearer ? "AKV10032: Invalid issuer or token." : "Request is missing a Bearer or PoP token.";
        await SecretsApi.WriteAsync(context, HttpStatusCode.Unauthorized, WireFormat.Error("Unauthorized", message)).ConfigureAwait(false);
    }
}
