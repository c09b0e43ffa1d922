using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using KvReplicator.Cli.Serve;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using KvReplicator.Testing;
using KvReplicator.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.Tests.Serve;

/// <summary>
/// Slow clients against a real Kestrel on loopback (a TestServer has no connection limits): a client that
/// trickles its headers or its body is cut off, holds no handler, and a legitimate delivery sent meanwhile
/// is answered at once. Each test is bounded: a connection still open after 20 s fails it (Kestrel's default header timeout is 30 s).
/// </summary>
public sealed class SlowClientTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_client_that_never_finishes_its_headers_is_disconnected_while_a_real_delivery_succeeds()
    {
        string version = TestDeliveries.NewVersion();
        InMemoryReplicationLedger ledger = ServeTestHost.LedgerSayingDone(("db-password", version));
        await using WebApplication app = await StartKestrelAsync(ledger);
        using var slow = new TcpClient();
        await slow.ConnectAsync(IPAddress.Loopback, Port(app));
        NetworkStream stream = slow.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /api/events HTTP/1.1\r\nHost: localhost\r\nX-Slow: "));

        HttpStatusCode legitimate = await DeliverAsync(app, version);
        string answer = await ReadUntilClosedAsync(stream);

        Assert.Equal(HttpStatusCode.OK, legitimate);
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
        Assert.Equal([ServeTestHost.RecordOf("db-password")], ledger.ReadRecords);
    }

    [Fact]
    public async Task A_client_that_trickles_its_body_is_cut_off_before_any_work_while_a_real_delivery_succeeds()
    {
        string version = TestDeliveries.NewVersion();
        InMemoryReplicationLedger ledger = ServeTestHost.LedgerSayingDone(("db-password", version));
        await using WebApplication app = await StartKestrelAsync(ledger);
        using var slow = new TcpClient();
        await slow.ConnectAsync(IPAddress.Loopback, Port(app));
        NetworkStream stream = slow.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\naeg-event-type: Notification\r\n" +
            $"X-Kvrep-Key: {ServeTestHost.Key}\r\nContent-Length: 100000\r\n\r\n[{{\"id\":"));

        HttpStatusCode legitimate = await DeliverAsync(app, version);
        string answer = await ReadUntilClosedAsync(stream);

        Assert.Equal(HttpStatusCode.OK, legitimate);
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
        Assert.Equal([ServeTestHost.RecordOf("db-password")], ledger.ReadRecords);
    }

    private static async Task<WebApplication> StartKestrelAsync(InMemoryReplicationLedger ledger)
    {
        SecretLeakGuard.Register(ServeTestHost.Key);
        WebApplicationBuilder builder = ServeHost.CreateBuilder(
            [],
            options =>
            {
                options.DeliveryKey = ServeTestHost.Key;
                options.RequestHeadersTimeout = TimeSpan.FromSeconds(1);
                options.MinRequestBodyBytesPerSecond = 100;
                options.MinRequestBodyGracePeriod = TimeSpan.FromSeconds(2);
            },
            services =>
            {
                services.AddOptions<ReplicationOptions>();
                services.AddSingleton<ISecretSource>(new InMemorySecretSource(ServeTestHost.VaultName));
                services.AddSingleton<ISecretTarget>(new InMemorySecretsManager());
                services.AddSingleton<IReplicationLedger>(ledger);
                services.AddSingleton<SecretReplicator>();
                services.AddSingleton<KeyVaultEventProcessor>();
            });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = ServeHost.Build(builder);
        await app.StartAsync();
        return app;
    }

    private static int Port(WebApplication app) => new Uri(app.Urls.Single()).Port;

    private static async Task<HttpStatusCode> DeliverAsync(WebApplication app, string version)
    {
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = s_bound };
        using HttpRequestMessage request = TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent("db-password", version)));
        using HttpResponseMessage response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Whatever the server sends before it closes the connection; fails the test if it is still open after the bound.</summary>
    private static async Task<string> ReadUntilClosedAsync(NetworkStream stream)
    {
        using var bound = new CancellationTokenSource(s_bound);
        var received = new StringBuilder();
        byte[] buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, bound.Token)) > 0)
            {
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the slow connection was still open after {s_bound}");
        }
        catch (IOException)
        {
            // Reset by the server: cut off, as it should be.
        }

        return received.ToString();
    }
}
