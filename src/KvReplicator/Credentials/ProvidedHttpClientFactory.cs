using Amazon.Runtime;

namespace KvReplicator.Credentials;

/// <summary>
/// Hands an AWS SDK client one <see cref="HttpClient"/> made by <see cref="IHttpClientFactory"/>, so the
/// handlers a host registers for that named client apply to the SDK's calls too. The factory owns the
/// handler's lifetime: the SDK neither caches nor disposes the client.
/// </summary>
internal sealed class ProvidedHttpClientFactory(HttpClient httpClient) : HttpClientFactory
{
    private readonly HttpClient _httpClient = httpClient ?? throw new ArgumentNullException(nameof(httpClient));

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _httpClient;

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
}
