using KvReplicator.DevTools.Local;

namespace KvReplicator.Tests.DevTools.Local;

public sealed class LocalThrottleTests
{
    [Theory]
    [InlineData(0.3, 10, 3)]
    [InlineData(0.5, 8, 4)]
    [InlineData(0.0, 10, 0)]
    [InlineData(1.0, 5, 5)]
    public void Throttling_refuses_exactly_the_rate_of_calls(double rate, int calls, int expected)
    {
        var throttle = new LocalThrottle { Rate = rate };

        bool[] decisions = [.. Enumerable.Range(0, calls).Select(_ => throttle.ShouldThrottle())];

        Assert.Equal(expected, decisions.Count(d => d));
        Assert.Equal(expected, throttle.Throttled);
        if (rate < 0.5)
        {
            Assert.DoesNotContain(decisions.Zip(decisions.Skip(1)), pair => pair.First && pair.Second);
        }
    }

    [Fact]
    public async Task A_throttled_call_gets_aws_throttling_error_and_never_reaches_the_service()
    {
        var inner = new CountingHandler();
        using var client = new HttpClient(new LocalThrottlingHandler(new LocalThrottle { Rate = 1 }) { InnerHandler = inner });

        using HttpResponseMessage response = await client.PostAsync("http://127.0.0.1:9/", new StringContent("{}"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ThrottlingException", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, inner.Calls);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
