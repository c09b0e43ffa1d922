using System.Net;
using KvReplicator.Events;
using KvReplicator.TestPlan.Targets;
using KvReplicator.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.Targets;

public sealed class HttpEventRedelivererTests
{
    private const string Version = "0123456789abcdef0123456789abcdef";
    private const string Key = "kvrep-test-delivery-key-7f3a";
    private static readonly Uri s_vault = new("https://my-vault.vault.azure.net/");

    [Fact]
    public async Task Posts_the_same_Key_Vault_event_n_times_in_the_Event_Grid_schema_with_Event_Grid_headers()
    {
        var handler = new CannedHttpMessageHandler().RespondOk().RespondOk().RespondOk();
        var redeliverer = new HttpEventRedeliverer(new HttpClient(handler), new Uri("https://replicator.example/api/events"), s_vault, key: Key,
            timeProvider: new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 4, 0, 0, TimeSpan.Zero)));

        RedeliveryOutcome outcome = await redeliverer.RedeliverAsync("db-password", Version, 3);

        Assert.Equal((3, 3), (outcome.Attempted, outcome.Acknowledged));
        Assert.Equal([200, 200, 200], outcome.StatusCodes);
        Assert.Equal(3, handler.Requests.Count);
        Assert.Single(handler.Requests.Select(r => r.Body).Distinct());
        foreach (RecordedRequest request in handler.Requests)
        {
            Assert.Equal(HttpMethod.Post, request.Method);
            Assert.Equal("https://replicator.example/api/events", request.Uri.ToString());
            Assert.Equal("Notification", request.Headers["aeg-event-type"]);
            Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
            Assert.Equal(Key, request.Headers[HttpEventRedeliverer.KeyHeader]);
            KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(request.Body)));
            Assert.Equal(KeyVaultEventKind.NewSecretVersion, parsed.Kind);
            Assert.Equal(new SecretVersionRef("my-vault", "db-password", Version), parsed.Version);
            Assert.Equal("2026-11-23T04:00:00.0000000Z", request.Json[0].GetProperty("eventTime").GetString());
            Assert.Equal("https://my-vault.vault.azure.net/secrets/db-password/" + Version, request.Json[0].GetProperty("data").GetProperty("Id").GetString());
        }
    }

    [Fact]
    public async Task Sends_the_key_as_the_code_query_parameter_only_when_asked_and_keeps_the_webhook_query()
    {
        var handler = new CannedHttpMessageHandler().RespondOk();
        var redeliverer = new HttpEventRedeliverer(new HttpClient(handler),
            new Uri("https://app.azurewebsites.net/runtime/webhooks/eventgrid?functionName=ReplicateSecret"), s_vault, key: Key, keyInQuery: true);

        await redeliverer.RedeliverAsync("db-password", Version, 1);

        RecordedRequest request = Assert.Single(handler.Requests);
        Assert.Equal($"?functionName=ReplicateSecret&code={Key}", request.Uri.Query);
        Assert.False(request.Headers.ContainsKey(HttpEventRedeliverer.KeyHeader));
        Assert.Equal("https://app.azurewebsites.net/runtime/webhooks/eventgrid", redeliverer.Description);
        Assert.DoesNotContain(Key, redeliverer.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keeps_the_key_out_of_the_url_by_default()
    {
        var handler = new CannedHttpMessageHandler().RespondOk();
        var redeliverer = new HttpEventRedeliverer(new HttpClient(handler), new Uri("https://replicator.example/api/events"), s_vault, key: Key);

        await redeliverer.RedeliverAsync("db-password", Version, 1);

        Assert.DoesNotContain(Key, Assert.Single(handler.Requests).Uri.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counts_only_2xx_answers_as_acknowledged()
    {
        var handler = new CannedHttpMessageHandler()
            .Respond(HttpStatusCode.Accepted, "")
            .Respond(HttpStatusCode.Unauthorized, "")
            .Respond(HttpStatusCode.ServiceUnavailable, "")
            .RespondOk();
        var redeliverer = new HttpEventRedeliverer(new HttpClient(handler), new Uri("https://replicator.example/api/events"), s_vault);

        RedeliveryOutcome outcome = await redeliverer.RedeliverAsync("db-password", Version, 4);

        Assert.Equal(4, outcome.Attempted);
        Assert.Equal(2, outcome.Acknowledged);
        Assert.Equal(2, outcome.NotAcknowledged);
        Assert.Equal([202, 401, 503, 200], outcome.StatusCodes);
        Assert.All(handler.Requests, r => Assert.False(r.Headers.ContainsKey(HttpEventRedeliverer.KeyHeader)));
    }

    [Fact]
    public void Refuses_a_key_in_the_query_without_a_key()
    {
        Assert.Throws<ArgumentException>(() =>
            new HttpEventRedeliverer(new HttpClient(), new Uri("https://replicator.example/api/events"), s_vault, keyInQuery: true));
    }
}
