using System.Diagnostics.Metrics;
using System.Net;
using KvReplicator.Diagnostics;
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

    [Fact]
    public async Task Each_write_records_its_wait_for_the_limit_per_quota_and_a_refusal_as_refused()
    {
        // A Region of its own, so measurements of tests running beside this one are not counted.
        var quota = new WriteQuota("111122223333", $"test-{Guid.NewGuid():N}");
        var time = new FakeTimeProvider();
        var limiter = new WriteRateLimiter(new WriteRateLimitOptions { PermitsPerSecond = 2, Burst = 1, MaxWait = TimeSpan.FromSeconds(1) }, time, quota);
        var waits = new System.Collections.Concurrent.ConcurrentQueue<(double Seconds, string Result)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == TelemetryNames.WriteRateLimitWait)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            Dictionary<string, object?> byName = tags.ToArray().ToDictionary(tag => tag.Key, tag => tag.Value);
            if (Equals(byName[TelemetryNames.Quota], quota.ToString()))
            {
                waits.Enqueue((value, (string)byName[TelemetryNames.Result]!));
            }
        });
        listener.Start();
        using var invoker = new HttpMessageInvoker(new SecretsManagerWriteThrottlingHandler(limiter) { InnerHandler = new CountingHandler(() => { }) });

        (await invoker.SendAsync(Request("secretsmanager.PutSecretValue"), CancellationToken.None)).Dispose();
        Task<HttpResponseMessage> second = invoker.SendAsync(Request("secretsmanager.PutSecretValue"), CancellationToken.None);
        Task<HttpResponseMessage> third = invoker.SendAsync(Request("secretsmanager.PutSecretValue"), CancellationToken.None);
        await Assert.ThrowsAsync<SecretStoreException>(() => invoker.SendAsync(Request("secretsmanager.PutSecretValue"), CancellationToken.None));
        (await invoker.SendAsync(Request("secretsmanager.DescribeSecret"), CancellationToken.None)).Dispose();
        time.Advance(TimeSpan.FromSeconds(1));
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();

        // A token at once, then half a second and a second away (two a second), then beyond MaxWait; the read waits for nothing.
        Assert.Equal([(0, "refused"), (0, "ok"), (0.5, "ok"), (1, "ok")], waits.OrderBy(w => w.Result == "ok").ThenBy(w => w.Seconds).Select(w => (Math.Round(w.Seconds, 3), w.Result)));
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
