using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using KvReplicator.Tests.Fakes;

namespace KvReplicator.Tests.Serve;

/// <summary>Callers that are not Event Grid, or Event Grid replayed by someone else: turned away without work, beside legitimate deliveries.</summary>
public sealed class HostileCallerTests
{
    /// <summary>
    /// Ten thousand bad requests of every kind, announced and chunked bodies over the limit and malformed HTTP
    /// included, on a real Kestrel beside forty legitimate deliveries: every legitimate one is served, no work is
    /// done for the rest, and the log grows by at most one line per refused request (no stack traces, no errors).
    /// </summary>
    [Fact]
    public async Task A_flood_of_bad_requests_does_no_work_and_does_not_disturb_legitimate_deliveries_running_beside_it()
    {
        const int BadRequests = 10_000;
        const int Limit = 4096;
        // One secret per legitimate delivery, so that each one's work shows as one read of its own record.
        (string Secret, string Version)[] legitimate = [.. Enumerable.Range(0, 40).Select(i => ($"app-{i}", TestDeliveries.NewVersion()))];
        InMemoryReplicationLedger ledger = ServeTestHost.LedgerSayingDone(legitimate);
        await using ServeTestHost host = await ServeTestHost.StartAsync(o => o.MaxBodyBytes = Limit, ledger, kestrel: true);
        int logLinesAtStart = host.Logs.Entries.Count;
        string attackerVersion = TestDeliveries.NewVersion();
        byte[] announcedOversize = Encoding.ASCII.GetBytes(RawHttp.DeliveryHead($"Content-Length: {Limit + 1}") + new string(' ', Limit + 1));
        byte[] chunkedOversize = Encoding.ASCII.GetBytes(RawHttp.DeliveryHead("Transfer-Encoding: chunked") + $"{Limit + 1:x}\r\n{new string(' ', Limit + 1)}\r\n0\r\n\r\n");
        byte[] garbage = Encoding.ASCII.GetBytes("GARBAGE / HTTP/9.9\r\n\r\n");

        var badAnswers = new System.Collections.Concurrent.ConcurrentBag<string>();
        Task flood = Parallel.ForAsync(0, BadRequests, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            string answer = (i % 8) switch
            {
                // Wrong or missing key, a valid event inside.
                0 => await SendAsync(host, TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent("db-password", attackerVersion)), key: i % 16 == 0 ? null : "guessed-key-" + i)),

                // Over the limit, announced, chunked; malformed HTTP.
                1 => await RawHttp.ExchangeAsync(host.Address!, announcedOversize),
                2 => await RawHttp.ExchangeAsync(host.Address!, chunkedOversize),
                3 => await RawHttp.ExchangeAsync(host.Address!, garbage),

                // A replayed validation handshake carrying a Key Vault event: answered only if it is a validation event.
                4 => await SendAsync(host, TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent("db-password", attackerVersion)), key: null, eventType: "SubscriptionValidation")),

                // A replayed validation event: echoed, never processed.
                5 => await SendAsync(host, TestDeliveries.Post(TestDeliveries.ValidationEvent("REPLAYED-" + i), key: null, eventType: "SubscriptionValidation")),

                // Not JSON at all; a body that is JSON but no event.
                6 => await SendAsync(host, TestDeliveries.Post(Encoding.UTF8.GetBytes("<xml/>"), contentType: "application/xml")),
                _ => await SendAsync(host, TestDeliveries.Post(Encoding.UTF8.GetBytes("{\"not\":\"an event\"}"))),
            };
            badAnswers.Add(answer);
        });
        Task<HttpStatusCode>[] good = legitimate
            .Select(async delivery =>
            {
                using HttpResponseMessage response = await host.Client.SendAsync(TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent(delivery.Secret, delivery.Version))));
                return response.StatusCode;
            })
            .ToArray();

        HttpStatusCode[] goodAnswers = await Task.WhenAll(good);
        await flood;

        Assert.All(goodAnswers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(BadRequests, badAnswers.Count);
        Assert.All(badAnswers, answer => Assert.True(
            answer.Length == 0 || answer.StartsWith("HTTP/1.1 4", StringComparison.Ordinal) || answer.StartsWith("HTTP/1.1 505", StringComparison.Ordinal) || answer == "HTTP/1.1 200 (validation)",
            answer[..Math.Min(answer.Length, 120)]));
        Assert.Equal(BadRequests / 8, badAnswers.Count(answer => answer == "HTTP/1.1 200 (validation)")); // only the replayed validation events, echoed

        // Work was done for the legitimate deliveries only: never for the attacker's version.
        Assert.Equal(legitimate.Select(d => ServeTestHost.RecordOf(d.Secret)).Order(), ledger.ReadRecords.Order());
        Assert.DoesNotContain(ServeTestHost.RecordOf("db-password"), ledger.ReadRecords); // the attacker's secret
        Assert.Equal(0, ledger.Writes);

        // Bounded log volume: at most one line per refused request, plus what the legitimate deliveries say.
        string[] written = [.. host.Logs.Entries.Skip(logLinesAtStart)];
        int legitimateLines = written.Count(line => line.Contains("Delivery of 1 event(s): Completed", StringComparison.Ordinal) || line.Contains("Replication AlreadyDone", StringComparison.Ordinal));
        Assert.True(written.Length - legitimateLines <= BadRequests, $"{written.Length - legitimateLines} log lines for {BadRequests} refused requests");
        Assert.True(legitimateLines <= 2 * legitimate.Length, $"{legitimateLines} log lines for {legitimate.Length} deliveries");
        RawHttp.AssertRefusalsLoggedOnceEach(host.Logs, 3 * BadRequests / 8, "Refused a request on connection");
    }

    [Fact]
    public async Task Kestrel_is_configured_to_cut_off_slow_headers_trickled_bodies_and_oversized_bodies()
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync(o =>
        {
            o.RequestHeadersTimeout = TimeSpan.FromSeconds(3);
            o.MinRequestBodyBytesPerSecond = 500;
            o.MinRequestBodyGracePeriod = TimeSpan.FromSeconds(2);
            o.MaxBodyBytes = 100_000;
        });

        KestrelServerLimits limits = host.App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(TimeSpan.FromSeconds(3), limits.RequestHeadersTimeout);
        Assert.Equal(500, limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(2), limits.MinRequestBodyDataRate.GracePeriod);
        Assert.True(limits.MaxRequestBodySize >= 100_000 && limits.MaxRequestBodySize < 1_000_000, $"{limits.MaxRequestBodySize}");
    }

    /// <summary>The status line, in the form <see cref="RawHttp"/> reads it, so that both kinds of answer compare alike.</summary>
    private static async Task<string> SendAsync(ServeTestHost host, HttpRequestMessage request)
    {
        using (request)
        {
            using HttpResponseMessage response = await host.Client.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK
                ? "HTTP/1.1 200 (validation)"
                : $"HTTP/1.1 {(int)response.StatusCode}";
        }
    }
}
