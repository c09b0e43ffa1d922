using System.Net;
using KvReplicator.SecretsManager;
using KvReplicator.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.SecretsManager;

public sealed class SecretsManagerWriteThrottlingHandlerTests
{
    [Theory]
    [InlineData("secretsmanager.PutSecretValue", true)]
    [InlineData("secretsmanager.CreateSecret", true)]
    [InlineData("secretsmanager.UpdateSecretVersionStage", true)]
    [InlineData("secretsmanager.TagResource", true)]
    [InlineData("secretsmanager.DescribeSecret", false)]
    [InlineData("secretsmanager.GetSecretValue", false)]
    [InlineData("secretsmanager.ListSecretVersionIds", false)]
    public void Only_mutating_operations_count_as_writes(string target, bool isWrite)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://secretsmanager.eu-west-1.amazonaws.com/");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);

        Assert.Equal(isWrite, SecretsManagerWriteThrottlingHandler.IsWrite(request));
    }

    [Fact]
    public async Task Writes_wait_for_the_shared_budget_while_reads_pass()
    {
        var time = new FakeTimeProvider();
        var limiter = new WriteRateLimiter(new WriteRateLimitOptions { PermitsPerSecond = 1, Burst = 1 }, time);
        int sent = 0;
        using var invoker = new HttpMessageInvoker(new SecretsManagerWriteThrottlingHandler(limiter)
        {
            InnerHandler = new CountingHandler(() => Interlocked.Increment(ref sent)),
        });

        await invoker.SendAsync(Request("secretsmanager.PutSecretValue"), CancellationToken.None);
        Task<HttpResponseMessage> secondWrite = invoker.SendAsync(Request("secretsmanager.PutSecretValue"), CancellationToken.None);
        await invoker.SendAsync(Request("secretsmanager.DescribeSecret"), CancellationToken.None);

        Assert.Equal(2, sent);
        Assert.False(secondWrite.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        (await secondWrite.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.Equal(3, sent);
    }

    private static HttpRequestMessage Request(string target)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://secretsmanager.eu-west-1.amazonaws.com/");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        return request;
    }

    private sealed class CountingHandler(Action onSend) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onSend();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
