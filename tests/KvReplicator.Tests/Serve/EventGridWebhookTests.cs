using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KvReplicator.Replication;
using KvReplicator.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.Serve;

public sealed class EventGridWebhookTests
{
    [Fact]
    public async Task Event_Grid_validation_handshake_is_answered_without_the_key_and_without_work()
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync();
        using HttpRequestMessage request = TestDeliveries.Post(TestDeliveries.ValidationEvent("CODE-123"), key: null, eventType: "SubscriptionValidation");

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("CODE-123", body.RootElement.GetProperty("validationResponse").GetString());
        Assert.Equal(0, host.Ledger.Calls);
    }

    [Fact]
    public async Task Replayed_validation_event_with_the_key_is_only_answered()
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync();
        using HttpRequestMessage request = TestDeliveries.Post(TestDeliveries.ValidationEvent("AGAIN"), eventType: "Notification");

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"validationResponse\":\"AGAIN\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, host.Ledger.Calls);
    }

    [Fact]
    public async Task Validation_header_over_a_Key_Vault_event_is_refused_and_not_processed()
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync();
        var forged = new JsonArray(TestDeliveries.GridEvent("db-password", TestDeliveries.NewVersion()));
        using HttpRequestMessage request = TestDeliveries.Post(forged, key: null, eventType: "SubscriptionValidation");

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, host.Ledger.Calls);
    }

    [Fact]
    public async Task CloudEvents_options_handshake_allows_the_requesting_origin()
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/events");
        request.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("eventgrid.azure.net", Assert.Single(response.Headers.GetValues("WebHook-Allowed-Origin")));
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("WebHook-Allowed-Rate")));
    }

    [Fact]
    public async Task Options_without_an_origin_is_a_bad_request()
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/events");

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData("test-delivery-key-0123456789abcdef012345678X")]
    [InlineData("test-delivery-key-0123456789abcdef0123456789-and-more")]
    public async Task Delivery_without_the_right_key_gets_401_and_no_work(string? key)
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync();
        var delivery = new JsonArray(TestDeliveries.GridEvent("db-password", TestDeliveries.NewVersion()));
        using HttpRequestMessage request = TestDeliveries.Post(delivery, key: key);

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, host.Ledger.Calls);
    }

    [Fact]
    public async Task Key_in_the_code_query_parameter_is_accepted()
    {
        string version = TestDeliveries.NewVersion();
        await using ServeTestHost host = await ServeTestHost.StartAsync(ledger: ServeTestHost.LedgerSayingDone(("db-password", version)));
        var delivery = new JsonArray(TestDeliveries.GridEvent("db-password", version));
        using HttpRequestMessage request = TestDeliveries.Post(delivery, key: null, path: "/api/events?code=" + Uri.EscapeDataString(ServeTestHost.Key));

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Already_replicated_version_is_acknowledged_with_200()
    {
        string version = TestDeliveries.NewVersion();
        await using ServeTestHost host = await ServeTestHost.StartAsync(ledger: ServeTestHost.LedgerSayingDone(("db-password", version)));
        using HttpRequestMessage request = TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent("db-password", version)));

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([ServeTestHost.RecordOf("db-password")], host.Ledger.ReadRecords);
        Assert.Equal((0, 0, 0), (host.Ledger.Writes, host.Source.Reads, host.Target.Writes));
    }

    [Fact]
    public async Task Malformed_body_is_rejected_with_400_so_Event_Grid_dead_letters_it()
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync();
        using HttpRequestMessage request = TestDeliveries.Post(Encoding.UTF8.GetBytes("[{\"eventType\": \"Microsoft.KeyVault.SecretNewVersionCreated\", \"data\": "));

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, host.Ledger.Calls);
    }

    [Fact]
    public async Task Body_that_is_not_valid_UTF8_is_rejected_with_400_not_a_server_error()
    {
        // Found by fuzzing serve: reading the validation code threw on such bytes, so Event Grid saw a 500 and
        // retried a hopeless delivery for a day instead of dead-lettering it.
        await using ServeTestHost host = await ServeTestHost.StartAsync();
        byte[] body = Encoding.UTF8.GetBytes("""[{"eventType":"@@","data":{}}]""");
        body[Array.IndexOf(body, (byte)'@')] = 0xB5;
        using HttpRequestMessage request = TestDeliveries.Post(body);

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("UTF-8", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, host.Ledger.Calls);
    }

    [Fact]
    public async Task Transient_store_failure_asks_for_a_retry_with_503()
    {
        var ledger = new InMemoryReplicationLedger
        {
            BeforeRead = (_, _) => throw new SecretStoreException("Ledger read failed: HTTP 503 (error code ServerBusy)", isTransient: true, "ServerBusy"),
        };
        await using ServeTestHost host = await ServeTestHost.StartAsync(ledger: ledger);
        using HttpRequestMessage request = TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent("db-password", TestDeliveries.NewVersion())));

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(10), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task CloudEvents_batch_of_three_is_processed_event_by_event()
    {
        (string Secret, string Version)[] versions = [("one", TestDeliveries.NewVersion()), ("two", TestDeliveries.NewVersion()), ("three", TestDeliveries.NewVersion())];
        await using ServeTestHost host = await ServeTestHost.StartAsync(ledger: ServeTestHost.LedgerSayingDone(versions));
        var batch = new JsonArray([.. versions.Select(v => TestDeliveries.CloudEvent(v.Secret, v.Version))]);
        using HttpRequestMessage request = TestDeliveries.Post(batch, "application/cloudevents-batch+json; charset=utf-8");

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, body.RootElement.GetProperty("events").GetInt32());
        Assert.Equal(versions.Select(v => ServeTestHost.RecordOf(v.Secret)).Order(), host.Ledger.ReadRecords.Order());
    }

    [Fact]
    public async Task Single_structured_CloudEvent_is_processed()
    {
        string version = TestDeliveries.NewVersion();
        await using ServeTestHost host = await ServeTestHost.StartAsync(ledger: ServeTestHost.LedgerSayingDone(("one", version)));
        using HttpRequestMessage request = TestDeliveries.Post(TestDeliveries.CloudEvent("one", version), "application/cloudevents+json");

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([ServeTestHost.RecordOf("one")], host.Ledger.ReadRecords);
    }

    [Fact]
    public async Task Oversized_body_gets_413_before_any_work()
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync(o => o.MaxBodyBytes = 2048);
        using HttpRequestMessage request = TestDeliveries.Post(Encoding.UTF8.GetBytes("[" + new string(' ', 4096) + "]"));

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, host.Ledger.Calls);
    }

    [Fact]
    public async Task Oversized_body_without_a_length_is_cut_off_with_413()
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync(o => o.MaxBodyBytes = 2048);
        using HttpRequestMessage request = TestDeliveries.Post([]);
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("[" + new string(' ', 40_000) + "]")));
        request.Content.Headers.ContentType = new("application/json");
        request.Content.Headers.ContentLength = null;

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Non_json_content_type_is_a_bad_request()
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync();
        using HttpRequestMessage request = TestDeliveries.Post(Encoding.UTF8.GetBytes("hello"), "text/plain");

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, host.Ledger.Calls);
    }

    [Fact]
    public async Task Events_path_is_configurable()
    {
        string version = TestDeliveries.NewVersion();
        await using ServeTestHost host = await ServeTestHost.StartAsync(o => o.EventsPath = "/hooks/kv", ServeTestHost.LedgerSayingDone(("x", version)));
        using HttpRequestMessage request = TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent("x", version)), path: "/hooks/kv");

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_endpoints_answer()
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync();

        using HttpResponseMessage live = await host.Client.GetAsync("/healthz");
        using HttpResponseMessage ready = await host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Shutdown_lets_the_delivery_in_flight_finish_and_turns_new_ones_away()
    {
        string version = TestDeliveries.NewVersion();
        var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        InMemoryReplicationLedger ledger = ServeTestHost.LedgerSayingDone(("in-flight", version));
        ledger.BeforeRead = async (_, _) =>
        {
            readStarted.TrySetResult();
            await read.Task;
        };
        await using ServeTestHost host = await ServeTestHost.StartAsync(ledger: ledger);
        using HttpRequestMessage first = TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent("in-flight", version)));
        Task<HttpResponseMessage> inFlight = host.Client.SendAsync(first);
        await readStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        host.App.Lifetime.StopApplication();
        using HttpRequestMessage second = TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent("late", TestDeliveries.NewVersion())));
        using HttpResponseMessage late = await host.Client.SendAsync(second);
        using HttpResponseMessage ready = await host.Client.GetAsync("/readyz");
        read.SetResult();
        using HttpResponseMessage finished = await inFlight;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, late.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal([ServeTestHost.RecordOf("in-flight")], host.Ledger.ReadRecords);
    }

    [Fact]
    public async Task Host_refuses_to_start_without_a_delivery_key()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => ServeTestHost.StartAsync(o => o.DeliveryKey = null));

        Assert.Contains("KvReplicator:Serve:DeliveryKey is required", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_refuses_a_short_delivery_key()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => ServeTestHost.StartAsync(o => o.DeliveryKey = "short"));

        Assert.Contains("at least 32 characters", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_mode_accepts_deliveries_without_a_key()
    {
        string version = TestDeliveries.NewVersion();
        await using ServeTestHost host = await ServeTestHost.StartAsync(o => { o.DeliveryKey = null; o.AllowAnonymous = true; }, ServeTestHost.LedgerSayingDone(("x", version)));
        using HttpRequestMessage request = TestDeliveries.Post(new JsonArray(TestDeliveries.GridEvent("x", version)), key: null);

        using HttpResponseMessage response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
