using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.Tests.Fakes;

namespace KvReplicator.Tests.Serve;

/// <summary>
/// Slow clients against a real Kestrel on loopback (a TestServer has no connection limits): a client that
/// trickles its headers or its body is cut off, holds no handler, and a legitimate delivery sent meanwhile
/// is answered at once. The cut-off is one Warning line, without a stack trace. Each test is bounded: a
/// connection still open after <see cref="RawHttp.Bound"/> fails it.
/// </summary>
public sealed class SlowClientTests
{
    [Fact]
    public async Task A_client_that_never_finishes_its_headers_is_disconnected_while_a_real_delivery_succeeds()
    {
        string version = TestDeliveries.NewVersion();
        InMemoryReplicationLedger ledger = ServeTestHost.LedgerSayingDone(("db-password", version));
        await using ServeTestHost host = await StartAsync(ledger);
        using var slow = new TcpClient();
        await slow.ConnectAsync(IPAddress.Loopback, host.Address!.Port);
        NetworkStream stream = slow.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /api/events HTTP/1.1\r\nHost: localhost\r\nX-Slow: "));

        HttpStatusCode legitimate = await DeliverAsync(host, version);
        string answer = await RawHttp.ReadUntilClosedAsync(stream);

        Assert.Equal(HttpStatusCode.OK, legitimate);
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
        Assert.Equal([ServeTestHost.RecordOf("db-password")], ledger.ReadRecords); // the legitimate delivery's one read, nothing for the slow client
        RawHttp.AssertRefusalsLoggedOnceEach(host.Logs, 1, "HTTP 408: the request headers arrived too slowly (KvReplicator:Serve:RequestHeadersTimeout)");
    }

    [Fact]
    public async Task A_client_that_trickles_its_body_is_cut_off_before_any_work_while_a_real_delivery_succeeds()
    {
        string version = TestDeliveries.NewVersion();
        InMemoryReplicationLedger ledger = ServeTestHost.LedgerSayingDone(("db-password", version));
        await using ServeTestHost host = await StartAsync(ledger);
        using var slow = new TcpClient();
        await slow.ConnectAsync(IPAddress.Loopback, host.Address!.Port);
        NetworkStream stream = slow.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(RawHttp.DeliveryHead("Content-Length: 100000") + "[{\"id\":"));

        HttpStatusCode legitimate = await DeliverAsync(host, version);
        string answer = await RawHttp.ReadUntilClosedAsync(stream);

        Assert.Equal(HttpStatusCode.OK, legitimate);
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
        Assert.Equal([ServeTestHost.RecordOf("db-password")], ledger.ReadRecords); // the legitimate delivery's one read, nothing for the slow client
        RawHttp.AssertRefusalsLoggedOnceEach(host.Logs, 1, "HTTP 408: the request body arrived too slowly (KvReplicator:Serve:MinRequestBodyBytesPerSecond)");
    }

    private static Task<ServeTestHost> StartAsync(InMemoryReplicationLedger ledger) =>
        ServeTestHost.StartAsync(
            options =>
            {
                options.RequestHeadersTimeout = TimeSpan.FromSeconds(1);
                options.MinRequestBodyBytesPerSecond = 100;
                options.MinRequestBodyGracePeriod = TimeSpan.FromSeconds(2);
            },
            ledger,
            kestrel: true);

    private static async Task<HttpStatusCode> DeliverAsync(ServeTestHost host, string version)
    {
        using HttpRequestMessage request = TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent("db-password", version)));
        using HttpResponseMessage response = await host.Client.SendAsync(request);
        return response.StatusCode;
    }
}
