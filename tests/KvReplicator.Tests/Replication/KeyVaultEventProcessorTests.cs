using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using KvReplicator.Testing;
using KvReplicator.Tests.TestData;
using Microsoft.Extensions.Options;
using Moq;

namespace KvReplicator.Tests.Replication;

public sealed class KeyVaultEventProcessorTests
{
    private readonly Mock<ISecretSource> _source = new();
    private readonly Mock<ISecretTarget> _target = new(MockBehavior.Strict);
    private readonly Mock<IReplicationLedger> _ledger = new();
    private readonly CapturedLogs _logs = new();

    public KeyVaultEventProcessorTests() => _source.SetupGet(s => s.VaultName).Returns("sample-kv");

    [Fact]
    public async Task A_done_version_completes_the_delivery()
    {
        _ledger.Setup(l => l.TryClaimAsync(It.IsAny<SecretVersionRef>(), It.IsAny<CancellationToken>())).ReturnsAsync(LedgerClaimResult.AlreadyDone);

        DeliveryResult result = await Processor().ProcessAsync(TestDataFile.Read("Events/eventgrid-secret-new-version.json"));

        Assert.Equal(DeliveryDisposition.Completed, result.Disposition);
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, Assert.Single(result.Events).Outcome.Kind);
    }

    [Fact]
    public async Task Ignored_events_complete_the_delivery_and_are_logged_with_their_reason()
    {
        DeliveryResult result = await Processor().ProcessAsync(TestDataFile.Read("Events/eventgrid-secret-near-expiry.json"));

        Assert.Equal(DeliveryDisposition.Completed, result.Disposition);
        Assert.Equal(ReplicationOutcomeKind.Skipped, Assert.Single(result.Events).Outcome.Kind);
        Assert.Contains(_logs.Entries, e => e.Contains("SecretNearExpiry", StringComparison.Ordinal));
        _ledger.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_malformed_delivery_is_rejected_for_dead_lettering()
    {
        DeliveryResult result = await Processor().ProcessAsync(BinaryData.FromString("{not json"));

        Assert.Equal(DeliveryDisposition.Rejected, result.Disposition);
        Assert.Contains("not valid JSON", result.Summary);
    }

    [Fact]
    public async Task A_transient_failure_anywhere_in_a_batch_asks_for_a_retry()
    {
        _ledger.Setup(l => l.TryClaimAsync(It.IsAny<SecretVersionRef>(), It.IsAny<CancellationToken>())).ReturnsAsync(LedgerClaimResult.InFlight);
        string batch = "[" + string.Join(",",
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData/Events/eventgrid-secret-new-version.json")).Trim().Trim('[', ']'),
            """{"id":"bad","topic":"/t","subject":"x","eventType":"Microsoft.KeyVault.SecretNewVersionCreated","eventTime":"2026-01-01T00:00:00Z","data":{"VaultName":"sample-kv"},"dataVersion":"1"}""") + "]";

        DeliveryResult result = await Processor().ProcessAsync(BinaryData.FromString(batch));

        Assert.Equal(2, result.Events.Count);
        Assert.Equal(DeliveryDisposition.RetryLater, result.Disposition);
        Assert.Contains("in flight", result.Summary);
        Assert.Contains("bad:", result.Summary);
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

    private KeyVaultEventProcessor Processor()
    {
        var options = Options.Create(new ReplicationOptions());
        var replicator = new SecretReplicator(_source.Object, _target.Object, _ledger.Object, options, _logs.CreateLogger<SecretReplicator>());
        return new KeyVaultEventProcessor(replicator, options, _logs.CreateLogger<KeyVaultEventProcessor>());
    }
}
