using Amazon.Runtime;
using KvReplicator.Cli.Local;
using KvReplicator.Replication;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.Local;

public sealed class LocalShortLivedCredentialSourceTests
{
    [Fact]
    public async Task Credentials_are_temporary_kept_while_valid_and_replaced_once_expired()
    {
        var time = new FakeTimeProvider();
        var source = new LocalShortLivedCredentialSource(TimeSpan.FromSeconds(2), time);

        ImmutableCredentials first = await source.GetCredentialsAsync();
        time.Advance(TimeSpan.FromSeconds(1.9));
        ImmutableCredentials same = await source.GetCredentialsAsync();
        time.Advance(TimeSpan.FromSeconds(0.1));
        ImmutableCredentials refreshed = await source.GetCredentialsAsync();

        Assert.Same(first, same);
        Assert.NotEqual(first.AccessKey, refreshed.AccessKey);
        Assert.True(first.UseToken);
        Assert.StartsWith("ASIA", first.AccessKey, StringComparison.Ordinal);
        Assert.Equal(2, source.Tally.Issued);
        Assert.True(source.Tally.AllHadSessionToken);
    }

    [Fact]
    public async Task A_broken_source_fails_transiently_until_restored()
    {
        var source = new LocalSwitchableCredentialSource(new LocalShortLivedCredentialSource(TimeSpan.FromMinutes(1)));

        source.Break();
        SecretStoreException failure = await Assert.ThrowsAsync<SecretStoreException>(async () => await source.GetCredentialsAsync());
        source.Restore();
        ImmutableCredentials restored = await source.GetCredentialsAsync();

        Assert.True(failure.IsTransient);
        Assert.True(restored.UseToken);
    }

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
