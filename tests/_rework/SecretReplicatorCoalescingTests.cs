using KvReplicator.Coalescing;
using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.Notifications;
using KvReplicator.Replication;
using KvReplicator.Testing;
using Microsoft.Extensions.Options;
using Moq;

namespace KvReplicator.Tests.Replication;

/// <summary>The pipeline's side of coalescing and notifications, with every port mocked.</summary>
public sealed class SecretReplicatorCoalescingTests
{
    private const string Vault = "sample-kv";
    private const string Old = "11111111111111111111111111111111";
    private const string Latest = "22222222222222222222222222222222";

    private readonly Mock<ISecretSource> _source = new(MockBehavior.Strict);
    private readonly Mock<ISecretTarget> _target = new(MockBehavior.Strict);
    private readonly Mock<IReplicationLedger> _ledger = new(MockBehavior.Strict);
    private readonly Mock<ITargetVersionHistory> _history = new(MockBehavior.Strict);
    private readonly Mock<IReplicationNotifier> _notifier = new(MockBehavior.Strict);
    private readonly CapturedLogs _logs = new();

    public SecretReplicatorCoalescingTests()
    {
        _source.SetupGet(s => s.VaultName).Returns(Vault);
        _source.Setup(s => s.GetLatestEnabledVersionAsync("db", It.IsAny<CancellationToken>())).ReturnsAsync(Latest);
        _source.Setup(s => s.ReadVersionAsync("db", It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string name, string version, CancellationToken _) => SourceReadResult.Found(new SourceSecretVersion
            {
                VaultName = Vault,
                Name = name,
                Version = version,
                Value = new SecretValue("value of " + version),
            }));
        _ledger.Setup(l => l.TryClaimAsync(It.IsAny<SecretVersionRef>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((SecretVersionRef version, CancellationToken _) => LedgerClaimResult.Claimed(Claim(version.Version)));
    }

    [Fact]
    public async Task A_superseded_version_of_a_full_secret_is_coalesced_recorded_in_the_ledger_and_not_written()
    {
        _history.Setup(h => h.CountVersionsCreatedSinceAsync("kv/db", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(80);
        _ledger.Setup(l => l.CommitCoalescedAsync(It.Is<LedgerClaim>(c => c.Version.Version == Old), Latest, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref(Old));

        Assert.Equal(ReplicationOutcomeKind.Skipped, outcome.Kind);
        Assert.Equal(Latest, outcome.CoalescedInto);
        Assert.True(outcome.Superseded);
        Assert.StartsWith($"coalesced: superseded by {Latest}", outcome.Reason, StringComparison.Ordinal);
        _ledger.Verify(l => l.CommitCoalescedAsync(It.IsAny<LedgerClaim>(), Latest, It.IsAny<CancellationToken>()), Times.Once);
        _target.VerifyNoOtherCalls();
        _notifier.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_superseded_version_below_the_threshold_is_written_and_committed_normally()
    {
        _history.Setup(h => h.CountVersionsCreatedSinceAsync("kv/db", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(79);
        _target.Setup(t => t.WriteAsync(It.Is<TargetSecretWrite>(w => w.VersionId == Old && !w.MakeCurrent), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TargetWriteResult(false, false));
        _ledger.Setup(l => l.CommitAsync(It.IsAny<LedgerClaim>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _notifier.Setup(n => n.NotifyAsync(new ReplicationNotification("kv/db", Old), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref(Old));

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        Assert.Null(outcome.CoalescedInto);
        _ledger.Verify(l => l.CommitAsync(It.IsAny<LedgerClaim>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task The_latest_version_is_never_coalesced_and_never_counts_versions()
    {
        _target.Setup(t => t.WriteAsync(It.Is<TargetSecretWrite>(w => w.VersionId == Latest && w.MakeCurrent), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TargetWriteResult(false, false));
        _ledger.Setup(l => l.CommitAsync(It.IsAny<LedgerClaim>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _notifier.Setup(n => n.NotifyAsync(It.IsAny<ReplicationNotification>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref(Latest));

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        _history.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Consumers_hear_of_a_written_version_after_its_commit_with_the_target_name_and_version()
    {
        var order = new List<string>();
        _target.Setup(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>())).ReturnsAsync(new TargetWriteResult(false, false));
        _ledger.Setup(l => l.CommitAsync(It.IsAny<LedgerClaim>(), It.IsAny<CancellationToken>())).Callback(() => order.Add("commit")).ReturnsAsync(true);
        _notifier.Setup(n => n.NotifyAsync(new ReplicationNotification("kv/db", Latest), It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("notify")).Returns(Task.CompletedTask);

        await Replicator().ReplicateAsync(Ref(Latest));

        Assert.Equal(["commit", "notify"], order);
    }

    [Fact]
    public async Task A_done_version_notifies_no_one()
    {
        _ledger.Setup(l => l.TryClaimAsync(It.IsAny<SecretVersionRef>(), It.IsAny<CancellationToken>())).ReturnsAsync(LedgerClaimResult.AlreadyDone);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref(Latest));

        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, outcome.Kind);
        _notifier.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_failed_notification_leaves_the_version_replicated_and_committed_with_a_warning()
    {
        _target.Setup(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>())).ReturnsAsync(new TargetWriteResult(false, false));
        _ledger.Setup(l => l.CommitAsync(It.IsAny<LedgerClaim>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _notifier.Setup(n => n.NotifyAsync(It.IsAny<ReplicationNotification>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SecretStoreException("SQS SendMessage failed: QueueDoesNotExist (HTTP 400)", isTransient: true, "QueueDoesNotExist"));

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref(Latest));

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        Assert.Contains("QueueDoesNotExist", outcome.Warning, StringComparison.Ordinal);
        _ledger.Verify(l => l.CommitAsync(It.IsAny<LedgerClaim>(), It.IsAny<CancellationToken>()), Times.Once);
        _ledger.Verify(l => l.ReleaseAsync(It.IsAny<LedgerClaim>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Contains(_logs.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains("not notified", StringComparison.Ordinal));
        _logs.AssertContainsNone(["value of " + Latest]);
    }

    private SecretReplicator Replicator() =>
        new(_source.Object, _target.Object, _ledger.Object,
            Options.Create(new ReplicationOptions { TargetPrefix = "kv/" }), _logs.CreateLogger<SecretReplicator>(),
            new VersionCoalescer(_history.Object, Options.Create(new CoalescingOptions { RecentVersionThreshold = 80 }), TimeProvider.System),
            _notifier.Object);

    private static SecretVersionRef Ref(string version) => new(Vault, "db", version);

    private static LedgerClaim Claim(string version) => new(Ref(version), $"\"etag-{version}\"", DateTimeOffset.UtcNow.AddMinutes(2));
}
