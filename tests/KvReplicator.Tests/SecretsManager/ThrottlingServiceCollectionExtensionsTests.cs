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

    [Fact]
    public async Task A_targets_client_waits_for_its_quotas_limiter_and_leaves_the_process_limiter_to_the_others()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KvReplicator:WriteRateLimit:PermitsPerSecond"] = "1",
            ["KvReplicator:WriteRateLimit:Burst"] = "1",
            ["KvReplicator:WriteRateLimit:MaxWait"] = "00:00:00",
        }).Build();
        var time = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSecretsManagerWriteRateLimit(configuration);
        services.AddHttpClient(SecretsManagerClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new OkHandler());
        using ServiceProvider provider = services.BuildServiceProvider();
        var quota = new WriteRateLimiter(new WriteRateLimitOptions { PermitsPerSecond = 1, Burst = 1, MaxWait = TimeSpan.Zero }, time, new WriteQuota("111122223333", "eu-west-1"));
        using var target = new HttpClient(SecretsManagerWriteThrottlingHandler.ForQuota(
            quota, provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(SecretsManagerClient.HttpClientName)));
        HttpClient process = provider.GetRequiredService<IHttpClientFactory>().CreateClient(SecretsManagerClient.HttpClientName);

        using HttpResponseMessage first = await target.SendAsync(Put());
        using HttpResponseMessage other = await process.SendAsync(Put());
        var refused = await Assert.ThrowsAsync<SecretStoreException>(() => target.SendAsync(Put()));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.StartsWith("Secrets Manager write rate limit of 111122223333/eu-west-1: the next turn is 1 s away", refused.Message, StringComparison.Ordinal);
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
