using System.Net;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.Throttling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.SecretsManager;

public sealed class ThrottlingServiceCollectionExtensionsTests
{
    [Fact]
    public async Task The_secrets_manager_http_client_writes_through_the_shared_limiter()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KvReplicator:WriteRateLimit:PermitsPerSecond"] = "1",
            ["KvReplicator:WriteRateLimit:Burst"] = "1",
            ["KvReplicator:WriteRateLimit:MaxWait"] = "00:00:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddSecretsManagerWriteRateLimit(configuration);
        services.AddHttpClient(SecretsManagerClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new OkHandler());
        using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(SecretsManagerClient.HttpClientName);

        using HttpResponseMessage first = await client.SendAsync(Put());
        var refused = await Assert.ThrowsAsync<SecretStoreException>(() => client.SendAsync(Put()));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(WriteRateLimiter.RateLimitedErrorCode, refused.ErrorCode);
        Assert.Same(provider.GetRequiredService<WriteRateLimiter>(), provider.GetRequiredService<WriteRateLimiter>());
    }

    private static HttpRequestMessage Put()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.PutSecretValue");
        return request;
    }

    private sealed class OkHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
    }
}
