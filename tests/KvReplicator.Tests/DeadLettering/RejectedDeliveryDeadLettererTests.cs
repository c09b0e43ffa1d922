using System.Text.Json;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using KvReplicator.DeadLettering;
using KvReplicator.Events;
using KvReplicator.Replication;
using KvReplicator.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace KvReplicator.Tests.DeadLettering;

public sealed class RejectedDeliveryDeadLettererTests
{
    private const string Version1 = "0123456789abcdef0123456789abcdef";
    private const string Version2 = "fedcba9876543210fedcba9876543210";
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 4, 5, 6, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(s_now);
    private readonly CapturedLogs _logs = new();
    private readonly Mock<IDeadLetterSink> _sink = new();
    private readonly List<(string Name, BinaryData Content)> _written = [];

    public RejectedDeliveryDeadLettererTests()
    {
        _sink.SetupGet(s => s.Location).Returns("http://127.0.0.1:10000/devstoreaccount1/dead");
        _sink.Setup(s => s.WriteAsync(It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .Callback((string name, BinaryData content, CancellationToken _) => _written.Add((name, content)))
            .Returns(Task.CompletedTask);
    }

    [Fact]
    public async Task An_event_grid_event_is_written_in_event_grid_dead_letter_format_and_replays_as_delivered()
    {
        EventGridEvent gridEvent = EventGridEvent.Parse(BinaryData.FromString(Delivered(DeadLetterSamples.EventGridSchema("db", Version1, "event/1?x"))));

        string? name = await DeadLetterer(_sink.Object).DeadLetterAsync(gridEvent, Rejected("write failed: ForeignSecret"));

        Assert.Equal("rejected/2026/11/23/04/event-1-x.json", name);
        (string written, BinaryData content) = Assert.Single(_written);
        Assert.Equal(name, written);
        using JsonDocument document = JsonDocument.Parse(content);
        JsonElement deadLetter = Assert.Single(document.RootElement.EnumerateArray());
        Assert.Equal("Rejected: write failed: ForeignSecret", deadLetter.GetProperty("deadLetterReason").GetString());
        Assert.Equal(1, deadLetter.GetProperty("deliveryAttempts").GetInt32());
        Assert.Equal("Rejected", deadLetter.GetProperty("lastDeliveryOutcome").GetString());
        Assert.Equal(400, deadLetter.GetProperty("lastHttpStatusCode").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero), deadLetter.GetProperty("publishTime").GetDateTimeOffset());
        Assert.Equal(s_now, deadLetter.GetProperty("lastDeliveryAttemptTime").GetDateTimeOffset());

        // What the replayer reads back is the event as delivered, and it parses to the same version.
        DeadLetterEnvelope envelope = DeadLetterEnvelope.TryOpen(content, out string? error)!;
        Assert.Null(error);
        Assert.Equal(["Rejected: write failed: ForeignSecret"], envelope.DeadLetterReasons);
        KeyVaultEvent replayed = Assert.Single(KeyVaultEventParser.Parse(envelope.Delivery));
        Assert.Equal(KeyVaultEventKind.NewSecretVersion, replayed.Kind);
        Assert.Equal("event/1?x", replayed.EventId);
        Assert.Equal(new SecretVersionRef(DeadLetterSamples.Vault, "db", Version1), replayed.Version);
        Assert.Contains(_logs.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains(name!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cloud_event_is_written_in_its_own_schema_and_replays_as_delivered()
    {
        CloudEvent cloudEvent = CloudEvent.Parse(BinaryData.FromString(Delivered(DeadLetterSamples.CloudEventSchema("api", Version2, "ce-1"))[1..^1]))!;

        string? name = await DeadLetterer(_sink.Object).DeadLetterAsync(cloudEvent, Rejected("event is from vault 'other'"));

        Assert.Equal("rejected/2026/11/23/04/ce-1.json", name);
        DeadLetterEnvelope envelope = DeadLetterEnvelope.TryOpen(Assert.Single(_written).Content, out _)!;
        using (JsonDocument delivery = JsonDocument.Parse(envelope.Delivery))
        {
            Assert.Equal("1.0", delivery.RootElement[0].GetProperty("specversion").GetString());
        }

        KeyVaultEvent replayed = Assert.Single(KeyVaultEventParser.Parse(envelope.Delivery));
        Assert.Equal(new SecretVersionRef(DeadLetterSamples.Vault, "api", Version2), replayed.Version);
    }

    [Fact]
    public async Task Without_a_sink_nothing_is_written_and_the_loss_is_logged_as_critical()
    {
        EventGridEvent gridEvent = EventGridEvent.Parse(BinaryData.FromString(Delivered(DeadLetterSamples.EventGridSchema("db", Version1))));

        string? name = await DeadLetterer(sink: null).DeadLetterAsync(gridEvent, Rejected("write failed: ForeignSecret"));

        Assert.Null(name);
        Assert.Contains(_logs.Entries, e => e.StartsWith("Critical", StringComparison.Ordinal)
            && e.Contains("NOT dead-lettered", StringComparison.Ordinal) && e.Contains("KvReplicator:DeadLetter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_write_propagates_so_the_host_throws_and_event_grid_retries()
    {
        _sink.Setup(s => s.WriteAsync(It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException(503, "unavailable"));
        EventGridEvent gridEvent = EventGridEvent.Parse(BinaryData.FromString(Delivered(DeadLetterSamples.EventGridSchema("db", Version1))));

        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => DeadLetterer(_sink.Object).DeadLetterAsync(gridEvent, Rejected("x")));
    }

    [Theory]
    [InlineData(ReplicationOutcomeKind.Replicated)]
    [InlineData(ReplicationOutcomeKind.RetryLater)]
    public async Task Only_a_rejected_delivery_is_dead_lettered(ReplicationOutcomeKind kind)
    {
        EventGridEvent gridEvent = EventGridEvent.Parse(BinaryData.FromString(Delivered(DeadLetterSamples.EventGridSchema("db", Version1))));
        var result = new DeliveryResult([new EventResult(new KeyVaultEvent { Kind = KeyVaultEventKind.NewSecretVersion }, new ReplicationOutcome { Kind = kind })]);

        await Assert.ThrowsAsync<ArgumentException>(() => DeadLetterer(_sink.Object).DeadLetterAsync(gridEvent, result));
        Assert.Empty(_written);
    }

    [Fact]
    public void Names_are_dated_by_the_rejection_and_safe_for_blobs()
    {
        Assert.Equal("rejected/2026/01/02/23/a-b-c.json", RejectedDeliveryDeadLetterer.NameFor("a/b c", new DateTimeOffset(2026, 1, 3, 0, 30, 0, TimeSpan.FromHours(1))));
        Assert.Matches("^rejected/2026/01/02/23/[0-9a-f]{32}\\.json$", RejectedDeliveryDeadLetterer.NameFor(null, new DateTimeOffset(2026, 1, 2, 23, 0, 0, TimeSpan.Zero)));
    }

    private RejectedDeliveryDeadLetterer DeadLetterer(IDeadLetterSink? sink) =>
        new(sink, _time, _logs.CreateLogger<RejectedDeliveryDeadLetterer>());

    private static DeliveryResult Rejected(string reason) =>
        new([new EventResult(new KeyVaultEvent { Kind = KeyVaultEventKind.NewSecretVersion, EventId = "e" }, ReplicationOutcome.Rejected(null, reason))]);

    /// <summary>A sample dead letter as it was first delivered: Event Grid's own properties taken off.</summary>
    private static string Delivered(string deadLetter) =>
        DeadLetterEnvelope.TryOpen(BinaryData.FromString(deadLetter), out _)!.Delivery.ToString();
}
