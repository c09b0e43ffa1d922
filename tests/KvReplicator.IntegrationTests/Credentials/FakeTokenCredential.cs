using System.Collections.Concurrent;
using Azure.Core;

namespace KvReplicator.IntegrationTests.Credentials;

/// <summary>Stands in for the managed identity: hands out a fixed Entra ID token and records the scopes asked for.</summary>
internal sealed class FakeTokenCredential(string token, Exception? failure = null) : TokenCredential
{
    public ConcurrentQueue<string> RequestedScopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (string scope in requestContext.Scopes)
        {
            RequestedScopes.Enqueue(scope);
        }

        return failure is null
            ? ValueTask.FromResult(new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1)))
            : ValueTask.FromException<AccessToken>(failure);
    }
}
