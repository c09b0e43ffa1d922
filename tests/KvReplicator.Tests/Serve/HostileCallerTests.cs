using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using KvReplicator.Replication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.Serve;

/// <summary>Callers that are not Event Grid, or Event Grid replayed by someone else: turned away without work, beside legitimate deliveries.</summary>
public sealed class HostileCallerTests
{
    [Fact]
    public async Task A_flood_of_bad_requests_does_no_work_and_does_not_disturb_legitimate_deliveries_running_beside_it()
    {
        // One secret per legitimate delivery, so that each one's work shows as one read of its own record.
        (string Secret, string Version)[] legitimate = [.. Enumerable.Range(0, 40).Select(i => ($"app-{i}", TestDeliveries.NewVersion()))];
        await using ServeTestHost host = await ServeTestHost.StartAsync(o => o.MaxBodyBytes = 64 * 1024, ServeTestHost.LedgerSayingDone(legitimate));
        string attackerVersion = TestDeliveries.NewVersion();

        Task<HttpStatusCode>[] bad = Enumerable.Range(0, 400).Select(i => SendAsync(host, (i % 5) switch
        {
            // Wrong or missing key, a valid event inside.
            0 => TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent("db-password", attackerVersion)), key: i % 2 == 0 ? null : "guessed-key-" + i),

            // Oversized.
            1 => TestDeliveries.Post(new byte[(64 * 1024) + 1]),

            // A replayed validation handshake carrying a Key Vault event: answered only if it is a validation event.
            2 => TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent("db-password", attackerVersion)), key: null, eventType: "SubscriptionValidation"),

            // A replayed validation event with the key: echoed, never processed.
            3 => TestDeliveries.Post(TestDeliveries.ValidationEvent("REPLAYED-" + i), key: null, eventType: "SubscriptionValidation"),

            // Not JSON at all.
            _ => TestDeliveries.Post(Encoding.UTF8.GetBytes("<xml/>"), contentType: "application/xml"),
        })).ToArray();
        Task<HttpStatusCode>[] good = legitimate
            .Select(delivery => SendAsync(host, TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent(delivery.Secret, delivery.Version)))))
            .ToArray();

        HttpStatusCode[] badAnswers = await Task.WhenAll(bad);
        HttpStatusCode[] goodAnswers = await Task.WhenAll(good);

        Assert.All(goodAnswers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.All(badAnswers, status => Assert.True(
            status is HttpStatusCode.Unauthorized or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest or HttpStatusCode.OK, $"HTTP {(int)status}"));
        Assert.Equal(80, badAnswers.Count(status => status == HttpStatusCode.OK)); // only the replayed validation events, echoed

        // Work was done for the legitimate deliveries only: never for the attacker's version.
        Assert.Equal(legitimate.Select(delivery => ServeTestHost.RecordOf(delivery.Secret)).Order(), host.Ledger.ReadRecords.Order());
        Assert.DoesNotContain(ServeTestHost.RecordOf("db-password"), host.Ledger.ReadRecords);
        Assert.Equal((0, 0, 0), (host.Ledger.Writes, host.Source.Reads, host.Target.Writes));
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

    private static async Task<HttpStatusCode> SendAsync(ServeTestHost host, HttpRequestMessage request)
    {
        using (request)
        {
            using HttpResponseMessage response = await host.Client.SendAsync(request);
            return response.StatusCode;
        }
    }
}
