using System.Diagnostics;
using Azure.Messaging.EventGrid;
using KvReplicator.DeadLettering;
using KvReplicator.Diagnostics;
using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using KvReplicator.Testing.Diagnostics;
using KvReplicator.Tests.DeadLettering;
using KvReplicator.Tests.Replication;
using KvReplicator.Tests.TestData;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace KvReplicator.Tests.Diagnostics;

/// <summary>
/// What the pipeline counts and traces, on the in-memory stores and the fake clock: each delivery and each of its
/// events once, with the tags the dashboards and alerts query, and the lag of each write to the second.
/// </summary>
public sealed class ReplicationTelemetryTests : IDisposable
{
    private const string Secret = "db-password";
    private const string Version = "ee059b2bb5bc48398a53b168c6cdcb10";
    private static readonly DateTimeOffset s_sampleCreated = new(2026, 11, 20, 8, 15, 3, TimeSpan.Zero);

    private readonly ReplicationTestBed _bed = new();
    private readonly TelemetryRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public async Task A_replicated_delivery_is_a_consumer_span_over_a_version_span_and_counts_its_outcome_and_lag()
    {
        _bed.Source.Add(Secret, Version, "from the sample event", s_sampleCreated);

        await Processor().ProcessAsync(TestDataFile.Read("Events/eventgrid-secret-new-version.json"));

        Activity delivery = Assert.Single(_recorder.Spans, span => span.OperationName == TelemetryNames.DeliverySpan);
        Assert.Equal((ActivityKind.Consumer, _recorder.RootSpanId), (delivery.Kind, delivery.ParentSpanId));
        Assert.Equal(("ok", "process", 1), (delivery.GetTagItem(TelemetryNames.Disposition), delivery.GetTagItem("messaging.operation.type"), delivery.GetTagItem("messaging.batch.message_count")));
        Activity version = Assert.Single(_recorder.ChildrenOf(delivery));
        Assert.Equal(TelemetryNames.VersionSpan, version.OperationName);
        Assert.Equal(ActivityStatusCode.Unset, version.Status);
        Assert.Equal(("replicated", "none", Secret, Version, ReplicationTestBed.Prefix + Secret), (
            version.GetTagItem(TelemetryNames.Outcome), version.GetTagItem(TelemetryNames.Reason), version.GetTagItem(TelemetryNames.SecretName),
            version.GetTagItem(TelemetryNames.SecretVersion), version.GetTagItem(TelemetryNames.TargetName)));

        RecordedMeasurement counted = Assert.Single(_recorder.Of(TelemetryNames.Versions));
        Assert.Equal(("replicated", "none", "default"), (counted[TelemetryNames.Outcome], counted[TelemetryNames.Reason], counted[TelemetryNames.Target]));
        Assert.Equal("ok", Assert.Single(_recorder.Of(TelemetryNames.Deliveries))[TelemetryNames.Disposition]);
        Assert.Equal("ok", Assert.Single(_recorder.Of(TelemetryNames.HandlerDuration))[TelemetryNames.Disposition]);

        // Written at the fake clock's now, an hour after the test bed's epoch, to a version created days before.
        RecordedMeasurement lag = Assert.Single(_recorder.Of(TelemetryNames.ReplicationLag));
        Assert.Equal((_bed.Clock.GetUtcNow() - s_sampleCreated).TotalSeconds, lag.Value);
        Assert.Equal("s", lag.Unit);
        Assert.Empty(lag.Tags);
    }

    [Fact]
    public async Task Sync_writes_are_not_counted_as_lag()
    {
        string version = _bed.Create(Secret, 1);

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(ReplicationTestBed.Ref(Secret, version), new ReplicationRequestOptions { Reconcile = true });

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        Assert.Empty(_recorder.Of(TelemetryNames.ReplicationLag));
    }

    [Fact]
    public async Task A_malformed_delivery_counts_as_permanent_and_its_event_span_is_an_error_with_a_code()
    {
        await Processor().ProcessAsync(BinaryData.FromString("{not json"));

        RecordedMeasurement counted = Assert.Single(_recorder.Of(TelemetryNames.Versions));
        Assert.Equal(("rejected", "malformed_event"), (counted[TelemetryNames.Outcome], counted[TelemetryNames.Reason]));
        Assert.Equal("permanent", Assert.Single(_recorder.Of(TelemetryNames.Deliveries))[TelemetryNames.Disposition]);
        Activity version = Assert.Single(_recorder.Spans, span => span.OperationName == TelemetryNames.VersionSpan);
        Assert.Equal((ActivityStatusCode.Error, "malformed_event", "malformed_event"), (version.Status, version.StatusDescription, version.GetTagItem("error.type")));
        Activity delivery = Assert.Single(_recorder.Spans, span => span.OperationName == TelemetryNames.DeliverySpan);
        Assert.Equal((ActivityStatusCode.Error, "permanent"), (delivery.Status, delivery.GetTagItem(TelemetryNames.Disposition)));
    }

    [Fact]
    public async Task An_ignored_event_counts_as_skipped_and_the_delivery_as_ok()
    {
        await Processor().ProcessAsync(TestDataFile.Read("Events/eventgrid-secret-near-expiry.json"));

        RecordedMeasurement counted = Assert.Single(_recorder.Of(TelemetryNames.Versions));
        Assert.Equal(("skipped", "ignored_event"), (counted[TelemetryNames.Outcome], counted[TelemetryNames.Reason]));
        Assert.Equal("ok", Assert.Single(_recorder.Of(TelemetryNames.Deliveries))[TelemetryNames.Disposition]);
    }

    [Fact]
    public async Task A_secret_locked_by_another_instance_counts_as_retry_later_and_the_delivery_as_transient()
    {
        _bed.Options.InFlightWait = TimeSpan.Zero;
        _bed.Ledger.Put(SecretLedgerState.Empty(new LedgerKey(ReplicationTestBed.Vault, Secret)) with
        {
            Lock = new SecretLock("other-instance", _bed.Clock.GetUtcNow().AddSeconds(20), []),
        });

        await Processor().ProcessAsync(TestDataFile.Read("Events/eventgrid-secret-new-version.json"));

        RecordedMeasurement counted = Assert.Single(_recorder.Of(TelemetryNames.Versions));
        Assert.Equal(("retry_later", "locked_elsewhere"), (counted[TelemetryNames.Outcome], counted[TelemetryNames.Reason]));
        Assert.Equal("transient", Assert.Single(_recorder.Of(TelemetryNames.Deliveries))[TelemetryNames.Disposition]);
        Assert.Empty(_recorder.Of(TelemetryNames.ReplicationLag));
    }

    [Fact]
    public async Task An_excluded_secret_counts_as_skipped_excluded()
    {
        _bed.Options.ExcludedSecretNames.Add(Secret);

        await Processor().ProcessAsync(TestDataFile.Read("Events/eventgrid-secret-new-version.json"));

        RecordedMeasurement counted = Assert.Single(_recorder.Of(TelemetryNames.Versions));
        Assert.Equal(("skipped", "excluded"), (counted[TelemetryNames.Outcome], counted[TelemetryNames.Reason]));
    }

    [Fact]
    public async Task A_failed_notification_is_counted_and_the_version_still_replicated()
    {
        _bed.Notifier.Failure = new HttpRequestException("queue unreachable");
        _bed.Source.Add(Secret, Version, "notified value", s_sampleCreated);

        await Processor().ProcessAsync(TestDataFile.Read("Events/eventgrid-secret-new-version.json"));

        Assert.Single(_recorder.Of(TelemetryNames.NotificationsFailed));
        Assert.Equal("replicated", Assert.Single(_recorder.Of(TelemetryNames.Versions))[TelemetryNames.Outcome]);
    }

    [Fact]
    public async Task A_cancelled_delivery_counts_as_transient_and_its_span_names_the_exception_type()
    {
        _bed.Source.Add(Secret, Version, "cancelled value", s_sampleCreated);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Processor().ProcessAsync(TestDataFile.Read("Events/eventgrid-secret-new-version.json"), cancelled.Token));

        Assert.Equal("transient", Assert.Single(_recorder.Of(TelemetryNames.Deliveries))[TelemetryNames.Disposition]);
        Activity delivery = Assert.Single(_recorder.Spans, span => span.OperationName == TelemetryNames.DeliverySpan);
        Assert.Equal(ActivityStatusCode.Error, delivery.Status);
        Assert.EndsWith("CanceledException", (string)delivery.GetTagItem("error.type")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_written_dead_letter_is_counted_and_one_without_a_sink_is_not()
    {
        var sink = new Mock<IDeadLetterSink>();
        sink.SetupGet(s => s.Location).Returns("http://127.0.0.1:10000/devstoreaccount1/dead");
        sink.Setup(s => s.WriteAsync(It.IsAny<string>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        EventGridEvent gridEvent = EventGridEvent.Parse(BinaryData.FromString(DeadLetterSamples.EventGridSchema("db", Version, "event-1")));
        var rejected = new DeliveryResult([new EventResult(new KeyVaultEvent { Kind = KeyVaultEventKind.Malformed }, ReplicationOutcome.Rejected(null, "malformed"))]);

        await new RejectedDeliveryDeadLetterer(sink.Object, new FakeTimeProvider(), NullLogger<RejectedDeliveryDeadLetterer>.Instance).DeadLetterAsync(gridEvent, rejected);
        await new RejectedDeliveryDeadLetterer(null, new FakeTimeProvider(), NullLogger<RejectedDeliveryDeadLetterer>.Instance).DeadLetterAsync(gridEvent, rejected);

        Assert.Single(_recorder.Of(TelemetryNames.DeadLetters));
    }

    [Fact]
    public async Task A_version_sent_to_two_targets_is_counted_once_per_target_with_its_own_outcome()
    {
        _bed.Source.Add(Secret, Version, "from the sample event", s_sampleCreated);
        var down = new Fakes.InMemorySecretsManager { BeforeWrite = (_, _) => throw new HttpRequestException("connection refused (injected)") };
        SecretReplicator Route(ISecretTarget target, string id) =>
            new(_bed.Source, target, _bed.Ledger, Options.Create(_bed.Options), _bed.Logs.CreateLogger<SecretReplicator>(), timeProvider: _bed.Clock, targetId: id);
        var processor = new KeyVaultEventProcessor(
            new ReplicationFanOut([Route(_bed.Target, "east"), Route(down, "west")]), Options.Create(_bed.Options), _bed.Logs.CreateLogger<KeyVaultEventProcessor>());

        await processor.ProcessAsync(TestDataFile.Read("Events/eventgrid-secret-new-version.json"));

        Assert.Equal(
            ["east replicated", "west retry_later"],
            _recorder.Of(TelemetryNames.Versions).Select(counted => $"{counted[TelemetryNames.Target]} {counted[TelemetryNames.Outcome]}").Order());
        Assert.Equal("transient", Assert.Single(_recorder.Of(TelemetryNames.Deliveries))[TelemetryNames.Disposition]);
    }

    private KeyVaultEventProcessor Processor() =>
        new(_bed.NewProcess(), Options.Create(_bed.Options), _bed.Logs.CreateLogger<KeyVaultEventProcessor>());
}
