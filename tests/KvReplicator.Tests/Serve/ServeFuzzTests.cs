using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using KvReplicator.Tests.Events;

namespace KvReplicator.Tests.Serve;

/// <summary>
/// Generated and mutated deliveries through the whole <c>serve</c> endpoint: every answer is 200, a 4xx with a
/// reason, or a 503 — never a 500 — and memory stays bounded.
/// </summary>
[Collection(MemoryMeasuringCollection.Name)]
public sealed class ServeFuzzTests
{
    private const int Requests = 3_000;

    private static readonly string[] s_contentTypes = ["application/json", "application/cloudevents-batch+json", "application/cloudevents+json; charset=utf-8", "text/plain", "application/xml"];

    private static readonly string?[] s_eventTypeHeaders = ["Notification", "SubscriptionValidation", "subscriptionvalidation", "", null, "Other"];

    [Fact]
    public async Task Thousands_of_generated_deliveries_get_a_clear_answer_and_never_a_server_error()
    {
        // An empty vault: a well-formed event is read through the whole pipeline and skipped (its secret has no enabled version).
        await using ServeTestHost host = await ServeTestHost.StartAsync();
        var fuzzer = new DeliveryFuzzer(seed: 4242, vault: ServeTestHost.VaultName);
        var random = new Random(4242);
        var statuses = new Dictionary<HttpStatusCode, int>();
        long retainedBefore = GC.GetTotalMemory(forceFullCollection: true);

        for (int i = 0; i < Requests; i++)
        {
            (byte[] body, string mutation) = fuzzer.Next();
            bool rightKey = random.Next(10) != 0;
            string contentType = random.Next(8) == 0 ? s_contentTypes[random.Next(s_contentTypes.Length)] : "application/json";
            using HttpRequestMessage request = TestDeliveries.Post(body, "application/json", key: rightKey ? ServeTestHost.Key : "not-the-key", eventType: "Notification");
            request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            string? eventType = random.Next(8) == 0 ? s_eventTypeHeaders[random.Next(s_eventTypeHeaders.Length)] : "Notification";
            request.Headers.Remove("aeg-event-type");
            if (eventType is not null)
            {
                request.Headers.TryAddWithoutValidation("aeg-event-type", eventType);
            }

            using HttpResponseMessage response = await host.Client.SendAsync(request);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            string where = $"request {i} ({mutation}, {body.Length} bytes, key {rightKey}, {contentType}, aeg-event-type {eventType})";

            Assert.True(
                response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.RequestEntityTooLarge,
                $"{where}: HTTP {(int)response.StatusCode}");
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
            {
                using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.False(string.IsNullOrWhiteSpace(answer.RootElement.GetProperty("detail").GetString()), $"{where}: a rejection without a reason");
            }
        }

        long retainedGrowth = GC.GetTotalMemory(forceFullCollection: true) - retainedBefore;

        // Every kind of answer happened, so the inputs reached every branch; and nothing of them stayed behind.
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.OK) > 100, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.BadRequest) > 100, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Unauthorized) > 100, string.Join(", ", statuses));
        Assert.True(retainedGrowth < 64L * 1024 * 1024, $"memory grew by {retainedGrowth} bytes");
    }
}
