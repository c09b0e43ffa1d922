using System.Text;
using KvReplicator.Cli.Serve;

namespace KvReplicator.Tests.Serve;

/// <summary>
/// Bodies and requests Kestrel refuses, against a real Kestrel on loopback: the webhook answers with its own
/// status and reason where it still can, and each refusal is one Warning line, never an error with a stack trace.
/// </summary>
public sealed class KestrelRefusalTests
{
    private const int Limit = 4096;

    [Fact]
    public async Task An_oversized_chunked_body_gets_the_webhooks_own_413_with_its_reason_and_one_warning()
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync(o => o.MaxBodyBytes = Limit, kestrel: true);
        var request = new StringBuilder(RawHttp.DeliveryHead("Transfer-Encoding: chunked"));
        for (int i = 0; i < 20; i++)
        {
            request.Append("400\r\n").Append(' ', 1024).Append("\r\n");
        }

        request.Append("0\r\n\r\n");

        string answer = await RawHttp.ExchangeAsync(host.Address!, Encoding.ASCII.GetBytes(request.ToString()));

        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Contains($$"""{"disposition":"Rejected","events":0,"detail":"delivery is larger than {{Limit}} bytes"}""", answer, StringComparison.Ordinal);
        RawHttp.AssertRefusalsLoggedOnceEach(host.Logs, 1, "HTTP 413: the request body is larger than KvReplicator:Serve:MaxBodyBytes");
    }

    [Theory]
    [InlineData(Limit + 1)]
    [InlineData(Limit * 20)]
    public async Task An_oversized_announced_body_gets_413_with_its_reason_and_one_warning(int length)
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync(o => o.MaxBodyBytes = Limit, kestrel: true);

        string answer = await RawHttp.ExchangeAsync(
            host.Address!, Encoding.ASCII.GetBytes(RawHttp.DeliveryHead($"Content-Length: {length}") + new string(' ', length)));

        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Contains($"delivery is larger than {Limit} bytes", answer, StringComparison.Ordinal);
        RawHttp.AssertRefusalsLoggedOnceEach(host.Logs, 1, "HTTP 413: the request body is larger than KvReplicator:Serve:MaxBodyBytes");
    }

    [Theory]
    [InlineData("GARBAGE\u0001\u0002\r\n\r\n", 400)]
    [InlineData("POST /api/events?code=a-key-in-a-broken-request-line HTTP/1.7\r\nHost: x\r\n\r\n", 505)]
    [InlineData("POST /api/events HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\nX-Kvrep-Key: " + ServeTestHost.Key + "\r\n\r\nZZZ\r\n", 400)]
    public async Task Malformed_http_is_refused_with_one_warning_that_does_not_quote_the_request(string raw, int status)
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync(o => o.MaxBodyBytes = Limit, kestrel: true);

        string answer = await RawHttp.ExchangeAsync(host.Address!, Encoding.ASCII.GetBytes(raw));

        Assert.StartsWith($"HTTP/1.1 {status}", answer, StringComparison.Ordinal);
        RawHttp.AssertRefusalsLoggedOnceEach(host.Logs, 1, $"HTTP {status}: {KestrelRejectionLog.Reason(status, null)}");
        Assert.DoesNotContain(host.Logs.Entries, entry => entry.Contains("a-key-in-a-broken-request-line", StringComparison.Ordinal) || entry.Contains("GARBAGE", StringComparison.Ordinal));
    }
}
