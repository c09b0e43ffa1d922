using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using KvReplicator.Tests.Replication;
using KvReplicator.Tests.TestData;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.Events;

public sealed class KeyVaultEventProcessorTests
{
    private const string Secret = "db-password";
    private const string Version = "ee059b2bb5bc48398a53b168c6cdcb10";

    private readonly ReplicationTestBed _bed = new();

    [Fact]
    public async Task A_new_version_event_is_replicated_and_completes_the_delivery()
    {
        _bed.Source.Add(Secret, Version, "from the sample event", new DateTimeOffset(2026, 11, 20, 8, 15, 3, TimeSpan.Zero));

        DeliveryResult result = await Processor().ProcessAsync(TestDataFile.Read("Events/eventgrid-secret-new-version.json"));

        Assert.Equal(DeliveryDisposition.Completed, result.Disposition);
        Assert.Equal(ReplicationOutcomeKind.Replicated, Assert.Single(result.Events).Outcome.Kind);
        Assert.Equal(Version, _bed.Target.CurrentOf(ReplicationTestBed.Prefix + Secret));
    }

    [Fact]
    public async Task A_done_version_completes_the_delivery()
    {
        _bed.Ledger.Put(SecretLedgerState.Empty(new LedgerKey(ReplicationTestBed.Vault, Secret))
            .WithDone(new LedgerDoneVersion(Version, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)));

        DeliveryResult result = await Processor().ProcessAsync(TestDataFile.Read("Events/eventgrid-secret-new-version.json"));

        Assert.Equal(DeliveryDisposition.Completed, result.Disposition);
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, Assert.Single(result.Events).Outcome.Kind);
        Assert.Equal(0, _bed.Source.Reads);
    }

    [Fact]
    public async Task Ignored_events_complete_the_delivery_and_are_logged_with_their_reason()
    {
        DeliveryResult result = await Processor().ProcessAsync(TestDataFile.Read("Events/eventgrid-secret-near-expiry.json"));

        Assert.Equal(DeliveryDisposition.Completed, result.Disposition);
        Assert.Equal(ReplicationOutcomeKind.Skipped, Assert.Single(result.Events).Outcome.Kind);
        Assert.Contains(_bed.Logs.Entries, e => e.Contains("SecretNearExpiry", StringComparison.Ordinal));
        Assert.Equal(0, _bed.Ledger.Calls);
    }

    [Fact]
    public async Task A_malformed_delivery_is_rejected_for_dead_lettering()
    {
        DeliveryResult result = await Processor().ProcessAsync(BinaryData.FromString("{not json"));

        Assert.Equal(DeliveryDisposition.Rejected, result.Disposition);
        Assert.Contains("not valid JSON", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transient_failure_anywhere_in_a_batch_asks_for_a_retry()
    {
        // Another instance holds the secret's lock and this delivery may not wait.
        _bed.Options.InFlightWait = TimeSpan.Zero;
        _bed.Ledger.Put(SecretLedgerState.Empty(new LedgerKey(ReplicationTestBed.Vault, Secret)) with
        {
            Lock = new SecretLock("other-instance", _bed.Clock.GetUtcNow().AddSeconds(20), []),
        });
        string batch = "[" + string.Join(",",
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData/Events/eventgrid-secret-new-version.json")).Trim().Trim('[', ']'),
            """{"id":"bad","topic":"/t","subject":"x","eventType":"Microsoft.KeyVault.SecretNewVersionCreated","eventTime":"2026-01-01T00:00:00Z","data":{"VaultName":"sample-kv"},"dataVersion":"1"}""") + "]";

        DeliveryResult result = await Processor().ProcessAsync(BinaryData.FromString(batch));

        Assert.Equal(2, result.Events.Count);
        Assert.Equal(DeliveryDisposition.RetryLater, result.Disposition);
        Assert.Contains("another instance is writing this secret", result.Summary, StringComparison.Ordinal);
        Assert.Contains("bad:", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_event_time_tells_the_replicator_an_older_version_needs_only_its_own_read()
    {
        // The sample event was sent before the secret's current version was created.
        _bed.Source.Add(Secret, Version, "from the sample event", new DateTimeOffset(2026, 11, 20, 8, 15, 3, TimeSpan.Zero));
        string newer = _bed.Create(Secret, 1, created: new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero));
        await _bed.NewProcess().ReplicateAsync(ReplicationTestBed.Ref(Secret, newer));
        (int latestReads, int versionReads) = (_bed.Source.LatestReads, _bed.Source.VersionReads);

        DeliveryResult result = await Processor().ProcessAsync(TestDataFile.Read("Events/eventgrid-secret-new-version.json"));

        Assert.True(Assert.Single(result.Events).Outcome.Superseded);
        Assert.Equal((latestReads, versionReads + 1), (_bed.Source.LatestReads, _bed.Source.VersionReads));
    }

    [Theory]
    [InlineData(new[] { ReplicationOutcomeKind.Replicated, ReplicationOutcomeKind.Skipped, ReplicationOutcomeKind.AlreadyDone }, DeliveryDisposition.Completed)]
    [InlineData(new[] { ReplicationOutcomeKind.Replicated, ReplicationOutcomeKind.Rejected }, DeliveryDisposition.Rejected)]
    [InlineData(new[] { ReplicationOutcomeKind.Rejected, ReplicationOutcomeKind.RetryLater }, DeliveryDisposition.RetryLater)]
    public void Disposition_of_a_batch(ReplicationOutcomeKind[] kinds, DeliveryDisposition expected)
    {
        var result = new DeliveryResult(kinds.Select(k => new EventResult(
            new KeyVaultEvent { Kind = KeyVaultEventKind.NewSecretVersion },
            new ReplicationOutcome { Kind = k, Reason = k.ToString() })).ToArray());

        Assert.Equal(expected, result.Disposition);
    }

    private KeyVaultEventProcessor Processor() =>
        new(_bed.NewProcess(), Options.Create(_bed.Options), _bed.Logs.CreateLogger<KeyVaultEventProcessor>());
}
