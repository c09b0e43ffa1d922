using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KvReplicator.Credentials;
using KvReplicator.Events;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.LocalCloud.KeyVault;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.IntegrationTests.EventGrid;

public sealed class LocalEventGridTests : IDisposable
{
    private const string VaultName = "kvrep-local";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    /// <summary>Holds the dead-letter folder of the test, and goes with it.</summary>
    private readonly PrivateTempDirectory _scratch = PrivateTempDirectory.Create("kvrep-test-eventgrid-");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Event_Grid_schema_subscription_is_validated_then_gets_a_Key_Vault_event()
    {
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        await using var grid = new LocalEventGrid(FastOptions());
        await grid.AddSubscriptionAsync(Subscription(webhook, "egschema"));
        SecretVersionCreated created = Created("db-password", notBefore: DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

        grid.Publish(created);
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        RecordedRequest validation = webhook.Requests[0];
        Assert.Equal("SubscriptionValidation", validation.Header("aeg-event-type"));
        Assert.Contains("Microsoft.EventGrid.SubscriptionValidationEvent", validation.Body, StringComparison.Ordinal);
        RecordedRequest delivery = Assert.Single(webhook.Notifications);
        Assert.StartsWith("application/json", delivery.ContentType, StringComparison.Ordinal);
        Assert.Equal("0", delivery.Header("aeg-delivery-count"));
        Assert.Equal("EGSCHEMA", delivery.Header("aeg-subscription-name"));
        Assert.Equal("1", delivery.Header("aeg-data-version"));
        Assert.Equal("1", delivery.Header("aeg-metadata-version"));

        using JsonDocument body = JsonDocument.Parse(delivery.Body);
        JsonElement gridEvent = Assert.Single(body.RootElement.EnumerateArray().ToArray());
        Assert.Equal(grid.TopicFor(VaultName), gridEvent.GetProperty("topic").GetString());
        Assert.Equal("db-password", gridEvent.GetProperty("subject").GetString());
        Assert.Equal("Microsoft.KeyVault.SecretNewVersionCreated", gridEvent.GetProperty("eventType").GetString());
        Assert.Equal("Secret", gridEvent.GetProperty("data").GetProperty("ObjectType").GetString());
        Assert.Equal(1_700_000_000, gridEvent.GetProperty("data").GetProperty("NBF").GetInt64());
        Assert.Equal(JsonValueKind.Null, gridEvent.GetProperty("data").GetProperty("EXP").ValueKind);
        Assert.Equal(created.Id.ToString(), gridEvent.GetProperty("data").GetProperty("Id").GetString());

        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(delivery.Body)));
        Assert.Equal(KeyVaultEventKind.NewSecretVersion, parsed.Kind);
        Assert.Equal(new SecretVersionRef(VaultName, "db-password", created.Version), parsed.Version);
        Assert.Equal(1, grid.Counters.Delivered);
    }

    [Fact]
    public async Task CloudEvents_subscription_passes_the_options_handshake_and_gets_a_structured_event()
    {
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        await using var grid = new LocalEventGrid(FastOptions());
        await grid.AddSubscriptionAsync(Subscription(webhook, "cloudevents", EventDeliverySchema.CloudEventSchemaV1_0));
        SecretVersionCreated created = Created("api-token");

        grid.Publish(created);
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        RecordedRequest handshake = webhook.Requests[0];
        Assert.Equal("OPTIONS", handshake.Method);
        Assert.Equal("eventgrid.azure.net", handshake.Header("WebHook-Request-Origin"));
        RecordedRequest delivery = Assert.Single(webhook.Notifications);
        Assert.StartsWith("application/cloudevents+json", delivery.ContentType, StringComparison.Ordinal);
        Assert.Equal("1.0", delivery.Header("aeg-metadata-version"));
        using JsonDocument body = JsonDocument.Parse(delivery.Body);
        Assert.Equal("1.0", body.RootElement.GetProperty("specversion").GetString());
        Assert.Equal(grid.TopicFor(VaultName), body.RootElement.GetProperty("source").GetString());
        Assert.Equal("Microsoft.KeyVault.SecretNewVersionCreated", body.RootElement.GetProperty("type").GetString());

        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(delivery.Body)));
        Assert.Equal(new SecretVersionRef(VaultName, "api-token", created.Version), parsed.Version);
    }

    [Fact]
    public async Task CloudEvents_batches_use_the_batch_content_type_and_carry_every_event()
    {
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        await using var grid = new LocalEventGrid(FastOptions());
        await grid.AddSubscriptionAsync(Subscription(webhook, "batches", EventDeliverySchema.CloudEventSchemaV1_0) with { MaxEventsPerBatch = 3 });
        SecretVersionCreated[] created = [Created("a"), Created("b"), Created("c")];

        foreach (SecretVersionCreated version in created)
        {
            grid.Publish(version);
        }

        await grid.WhenIdleAsync().WaitAsync(s_wait);

        Assert.All(webhook.Notifications, n => Assert.StartsWith("application/cloudevents-batch+json", n.ContentType, StringComparison.Ordinal));
        SecretVersionRef?[] delivered = [.. webhook.Notifications.SelectMany(n => KeyVaultEventParser.Parse(BinaryData.FromString(n.Body))).Select(e => e.Version)];
        Assert.Equal(created.Select(c => c.Version).Order(), delivered.Select(v => v!.Version).Order());
    }

    [Theory]
    [InlineData(EventDeliverySchema.EventGridSchema)]
    [InlineData(EventDeliverySchema.CloudEventSchemaV1_0)]
    public async Task Failed_handshake_fails_the_subscription_without_leaking_the_key(EventDeliverySchema schema)
    {
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        webhook.RefuseHandshake = true;
        await using var grid = new LocalEventGrid(FastOptions());
        LocalEventSubscription subscription = Subscription(webhook, "refused", schema) with { Endpoint = new Uri(webhook.Endpoint + "?code=secret-key-in-query") };

        var exception = await Assert.ThrowsAsync<EventSubscriptionValidationException>(() => grid.AddSubscriptionAsync(subscription));

        Assert.Contains("'refused'", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key-in-query", exception.Message, StringComparison.Ordinal);
        grid.Publish(Created("after-refusal"));
        await grid.WhenIdleAsync().WaitAsync(s_wait);
        Assert.Empty(webhook.Notifications);
    }

    [Fact]
    public async Task Subscription_outside_Event_Grids_limits_is_refused()
    {
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        await using var grid = new LocalEventGrid(FastOptions());

        await Assert.ThrowsAsync<ValidationException>(() => grid.AddSubscriptionAsync(Subscription(webhook, "too-many") with { MaxDeliveryAttempts = 31 }));
    }

    [Fact]
    public async Task Retries_on_503_until_delivered_with_an_increasing_delivery_count()
    {
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        webhook.Script(503, 500, 429, 408);
        await using var grid = new LocalEventGrid(FastOptions());
        await grid.AddSubscriptionAsync(Subscription(webhook, "retries"));

        grid.Publish(Created("flaky"));
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        Assert.Equal(["0", "1", "2", "3", "4"], webhook.Notifications.Select(n => n.Header("aeg-delivery-count")));
        Assert.Single(webhook.Notifications.Select(n => JsonDocument.Parse(n.Body).RootElement[0].GetProperty("id").GetString()).Distinct());
        Assert.Equal(1, grid.Counters.Delivered);
        Assert.Equal(4, grid.Counters.Retried);
        Assert.Equal(0, grid.Counters.DeadLettered);
    }

    [Fact]
    public async Task No_retry_on_400_and_the_event_is_dead_lettered_with_the_reason()
    {
        string folder = DeadLetterFolder();
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        webhook.Script(400);
        await using var grid = new LocalEventGrid(FastOptions());
        await grid.AddSubscriptionAsync(Subscription(webhook, "bad-request") with { DeadLetterFolder = folder });
        SecretVersionCreated created = Created("poison");

        grid.Publish(created);
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        Assert.Single(webhook.Notifications);
        JsonElement deadLetter = ReadSingleDeadLetter(folder);
        Assert.Equal("UndeliverableDueToHttpBadRequest", deadLetter.GetProperty("deadLetterReason").GetString());
        Assert.Equal(1, deadLetter.GetProperty("deliveryAttempts").GetInt32());
        Assert.Equal("BadRequest", deadLetter.GetProperty("lastDeliveryOutcome").GetString());
        Assert.Equal(400, deadLetter.GetProperty("lastHttpStatusCode").GetInt32());
        Assert.True(deadLetter.TryGetProperty("publishTime", out _));
        Assert.True(deadLetter.TryGetProperty("lastDeliveryAttemptTime", out _));
        Assert.Equal(created.Version, deadLetter.GetProperty("data").GetProperty("Version").GetString());
        Assert.Equal(1, grid.Counters.DeadLettered);
        Assert.Equal(0, grid.Counters.Retried);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(413)]
    public async Task Other_refusals_are_not_retried_either(int status)
    {
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        webhook.DefaultStatus = status;
        await using var grid = new LocalEventGrid(FastOptions());
        await grid.AddSubscriptionAsync(Subscription(webhook, "refusals"));

        grid.Publish(Created("refused"));
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        Assert.Single(webhook.Notifications);
        Assert.Equal(1, grid.Counters.DeadLettered);
    }

    [Fact]
    public async Task Gives_up_after_max_attempts_and_dead_letters()
    {
        string folder = DeadLetterFolder();
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        webhook.DefaultStatus = 503;
        await using var grid = new LocalEventGrid(FastOptions());
        await grid.AddSubscriptionAsync(Subscription(webhook, "max-attempts") with { MaxDeliveryAttempts = 3, DeadLetterFolder = folder });

        grid.Publish(Created("never"));
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        Assert.Equal(3, webhook.Notifications.Count);
        JsonElement deadLetter = ReadSingleDeadLetter(folder);
        Assert.Equal("MaxDeliveryAttemptsExceeded", deadLetter.GetProperty("deadLetterReason").GetString());
        Assert.Equal(3, deadLetter.GetProperty("deliveryAttempts").GetInt32());
        Assert.Equal(503, deadLetter.GetProperty("lastHttpStatusCode").GetInt32());
    }

    [Fact]
    public async Task Unreachable_endpoint_is_retried_then_dead_lettered()
    {
        string folder = DeadLetterFolder();
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        await using var grid = new LocalEventGrid(FastOptions());
        await grid.AddSubscriptionAsync(Subscription(webhook, "gone") with { MaxDeliveryAttempts = 2, DeadLetterFolder = folder });
        await webhook.StopAsync();

        grid.Publish(Created("unreachable"));
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        JsonElement deadLetter = ReadSingleDeadLetter(folder);
        Assert.Equal("MaxDeliveryAttemptsExceeded", deadLetter.GetProperty("deadLetterReason").GetString());
        Assert.Equal("GenericError", deadLetter.GetProperty("lastDeliveryOutcome").GetString());
        Assert.Equal(1, grid.Counters.Retried);
    }

    [Fact]
    public async Task Dead_letters_go_to_a_blob_container()
    {
        AzuriteServer azurite = await SharedEmulators.AzuriteAsync();
        BlobContainerClient container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(SharedEmulators.UniqueName("deadletter"));
        await container.CreateAsync();
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        webhook.Script(400);
        await using var grid = new LocalEventGrid(FastOptions());
        await grid.AddSubscriptionAsync(Subscription(webhook, "to-blob") with { DeadLetterContainer = container });

        grid.Publish(Created("blob-poison"));
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        BlobItem blob = Assert.Single(await container.GetBlobsAsync().ToListAsync());
        Assert.StartsWith("TO-BLOB/", blob.Name, StringComparison.Ordinal);
        BinaryData content = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content;
        using JsonDocument document = JsonDocument.Parse(content);
        Assert.Equal("UndeliverableDueToHttpBadRequest", document.RootElement[0].GetProperty("deadLetterReason").GetString());
    }

    [Fact]
    public async Task Delivery_headers_and_query_key_reach_the_webhook()
    {
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        await using var grid = new LocalEventGrid(FastOptions());
        await grid.AddSubscriptionAsync(Subscription(webhook, "with-key") with
        {
            Endpoint = new Uri(webhook.Endpoint + "?code=query-key"),
            Headers = new Dictionary<string, string> { ["X-Kvrep-Key"] = "header-key" },
        });

        grid.Publish(Created("keyed"));
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        Assert.All(webhook.Requests, r => Assert.Equal("header-key", r.Header("X-Kvrep-Key")));
        Assert.All(webhook.Requests, r => Assert.Equal("?code=query-key", r.Query));
    }

    [Fact]
    public async Task Duplicate_knob_delivers_the_same_event_twice()
    {
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        await using var grid = new LocalEventGrid(FastOptions(o => o.DuplicateRate = 1));
        await grid.AddSubscriptionAsync(Subscription(webhook, "duplicates"));

        grid.Publish(Created("twice-a"));
        grid.Publish(Created("twice-b"));
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        Assert.Equal(4, webhook.Notifications.Count);
        Assert.All(
            webhook.Notifications.GroupBy(n => JsonDocument.Parse(n.Body).RootElement[0].GetProperty("id").GetString()),
            group => Assert.Equal(2, group.Count()));
        Assert.Equal(2, grid.Counters.Duplicated);
        Assert.Equal(4, grid.Counters.Delivered);
    }

    [Fact]
    public async Task Shuffle_knob_delivers_every_event_once()
    {
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        await using var grid = new LocalEventGrid(FastOptions(o =>
        {
            o.ShuffleWindow = 10;
            o.Seed = 42;
            o.MaxConcurrentDeliveries = 1;
        }));
        await grid.AddSubscriptionAsync(Subscription(webhook, "shuffled"));
        SecretVersionCreated[] created = [.. Enumerable.Range(0, 10).Select(i => Created($"s{i}"))];

        foreach (SecretVersionCreated version in created)
        {
            grid.Publish(version);
        }

        await grid.WhenIdleAsync().WaitAsync(s_wait);

        string[] delivered = [.. webhook.Notifications.Select(n => KeyVaultEventParser.Parse(BinaryData.FromString(n.Body))[0].Version!.SecretName)];
        Assert.Equal(created.Select(c => c.SecretName).Order(), delivered.Order());
        Assert.NotEqual(created.Select(c => c.SecretName), delivered);
    }

    [Fact]
    public async Task Event_past_its_time_to_live_is_dead_lettered()
    {
        string folder = DeadLetterFolder();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        webhook.DefaultStatus = 503;
        webhook.OnNotification = _ => time.Advance(TimeSpan.FromSeconds(40)); // each attempt "takes" 40 s
        await using var grid = new LocalEventGrid(FastOptions(o => o.DeliveryTimeout = TimeSpan.FromHours(1)), time);
        await grid.AddSubscriptionAsync(Subscription(webhook, "short-lived") with { EventTimeToLive = TimeSpan.FromMinutes(1), DeadLetterFolder = folder });

        grid.Publish(Created("stale"));
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        Assert.Equal(2, webhook.Notifications.Count);
        JsonElement deadLetter = ReadSingleDeadLetter(folder);
        Assert.Equal("TimeToLiveExceeded", deadLetter.GetProperty("deadLetterReason").GetString());
        Assert.Equal(2, deadLetter.GetProperty("deliveryAttempts").GetInt32());
    }

    [Fact]
    public async Task Drop_knob_loses_events_silently_and_counts_them()
    {
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        await using var grid = new LocalEventGrid(FastOptions(o => { o.DropRate = 0.5; o.Seed = 7; }));
        await grid.AddSubscriptionAsync(Subscription(webhook, "lossy"));

        for (int i = 0; i < 20; i++)
        {
            grid.Publish(Created($"maybe{i}"));
        }

        await grid.WhenIdleAsync().WaitAsync(s_wait);

        Assert.InRange(grid.Counters.Dropped, 1, 19);
        Assert.Equal(20 - grid.Counters.Dropped, webhook.Notifications.Count);
    }

    [Fact]
    public async Task Event_type_filter_keeps_other_types_away()
    {
        await using RecordingWebhook webhook = await RecordingWebhook.StartAsync();
        await using var grid = new LocalEventGrid(FastOptions());
        await grid.AddSubscriptionAsync(Subscription(webhook, "expiry-only") with { IncludedEventTypes = ["Microsoft.KeyVault.SecretNearExpiry"] });

        grid.Publish(Created("filtered"));
        await grid.WhenIdleAsync().WaitAsync(s_wait);

        Assert.Empty(webhook.Notifications);
        Assert.Equal(0, grid.Counters.Published);
    }

    private static LocalEventGridOptions FastOptions(Action<LocalEventGridOptions>? configure = null)
    {
        // No retry waits: the schedule itself is covered by RetryScheduleTests.
        var options = new LocalEventGridOptions { RetryDelayScale = 0 };
        configure?.Invoke(options);
        return options;
    }

    private static LocalEventSubscription Subscription(RecordingWebhook webhook, string name, EventDeliverySchema schema = EventDeliverySchema.EventGridSchema) =>
        new() { Name = name, Endpoint = webhook.Endpoint, Schema = schema };

    private static SecretVersionCreated Created(string secretName, DateTimeOffset? notBefore = null) =>
        new(VaultName, new Uri($"https://{VaultName}.vault.azure.net/"), secretName, Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, notBefore, null);

    private string DeadLetterFolder() => Path.Combine(_scratch.Directory.FullName, "deadletters");

    private static JsonElement ReadSingleDeadLetter(string folder)
    {
        string file = Assert.Single(Directory.GetFiles(folder, "*.json"));
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(file));
        return Assert.Single(document.RootElement.EnumerateArray().ToArray()).Clone();
    }
}
