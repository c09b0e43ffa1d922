using System.Net;
using KvReplicator.SecretsManager;
using KvReplicator.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.Throttling;

public sealed class WriteBudgetTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<string> _sent = [];

    [Fact]
    public async Task Write_calls_under_a_budget_wait_for_its_turn_and_are_counted_by_operation_while_reads_and_other_flows_pass()
    {
        using HttpMessageInvoker invoker = Invoker();
        var budget = new WriteBudget(writesPerSecond: 1, _time);
        Task<HttpResponseMessage> secondWrite;
        using (budget.Enter())
        {
            (await invoker.SendAsync(Request("PutSecretValue"), CancellationToken.None)).Dispose();
            secondWrite = invoker.SendAsync(Request("TagResource"), CancellationToken.None);
            (await invoker.SendAsync(Request("DescribeSecret"), CancellationToken.None)).Dispose();
        }

        // Outside the scope (an event handled by the same process): neither paced nor counted.
        (await invoker.SendAsync(Request("UpdateSecret"), CancellationToken.None)).Dispose();

        Assert.False(secondWrite.IsCompleted);
        Assert.Equal(["PutSecretValue", "DescribeSecret", "UpdateSecret"], _sent);
        _time.Advance(TimeSpan.FromSeconds(1));
        (await secondWrite.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();

        Assert.Equal(2, budget.Sent);
        Assert.Equal(new Dictionary<string, int> { ["PutSecretValue"] = 1, ["TagResource"] = 1 }, budget.SentByOperation);
    }

    [Fact]
    public async Task A_dry_run_budget_stops_a_write_before_the_wire_and_lets_reads_through()
    {
        using HttpMessageInvoker invoker = Invoker();
        WriteBudget budget = WriteBudget.None();
        using (budget.Enter())
        {
            (await invoker.SendAsync(Request("GetSecretValue"), CancellationToken.None)).Dispose();
            InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(Request("PutSecretValue"), CancellationToken.None));
            Assert.Contains("PutSecretValue", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(["GetSecretValue"], _sent);
        Assert.Equal(0, budget.Sent);
    }

    [Fact]
    public async Task A_tally_counts_the_calls_of_its_own_flow_and_the_budget_those_of_all_its_flows()
    {
        using HttpMessageInvoker invoker = Invoker();
        var budget = new WriteBudget(writesPerSecond: 10, _time);
        var first = new WriteTally();
        var second = new WriteTally();
        using (budget.Enter())
        {
            await Task.WhenAll(SendTrackedAsync(first, "PutSecretValue", "TagResource"), SendTrackedAsync(second, "UntagResource"));
        }

        Assert.Equal((2, 1, 3), (first.Count, second.Count, budget.Sent));
        Assert.Equal(["PutSecretValue", "TagResource"], first.ByOperation.Keys);

        async Task SendTrackedAsync(WriteTally tally, params string[] operations)
        {
            using (WriteBudget.Track(tally))
            {
                foreach (string operation in operations)
                {
                    await Task.Yield();
                    (await invoker.SendAsync(Request(operation), CancellationToken.None)).Dispose();
                }
            }
        }
    }

    private HttpMessageInvoker Invoker()
    {
        var processLimiter = new WriteRateLimiter(new WriteRateLimitOptions { PermitsPerSecond = 50, Burst = 50 }, _time);
        return new HttpMessageInvoker(new SecretsManagerWriteThrottlingHandler(processLimiter) { InnerHandler = new RecordingHandler(_sent) });
    }

    private static HttpRequestMessage Request(string operation)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://secretsmanager.eu-west-1.amazonaws.com/");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager." + operation);
        return request;
    }

    private sealed class RecordingHandler(List<string> sent) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (sent)
            {
                sent.Add(request.Headers.GetValues("X-Amz-Target").Single()["secretsmanager.".Length..]);
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
