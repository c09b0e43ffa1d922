using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using KvReplicator.Testing;
using Microsoft.Extensions.Options;
using Moq;

namespace KvReplicator.Tests.Replication;

public sealed class SecretReplicatorTests
{
    private const string Vault = "sample-kv";
    private const string V1 = "11111111111111111111111111111111";
    private const string V2 = "22222222222222222222222222222222";
    private const string Value = "correct horse battery staple";

    private readonly Mock<ISecretSource> _source = new(MockBehavior.Strict);
    private readonly Mock<ISecretTarget> _target = new(MockBehavior.Strict);
    private readonly Mock<IReplicationLedger> _ledger = new(MockBehavior.Strict);
    private readonly CapturedLogs _logs = new();
    private readonly LedgerClaim _claim;

    public SecretReplicatorTests()
    {
        _source.SetupGet(s => s.VaultName).Returns(Vault);
        SecretLeakGuard.Register(Value);
        _claim = new LedgerClaim(Ref("db-password", V1), "\"etag-1\"", DateTimeOffset.UtcNow.AddMinutes(2));
    }

    [Fact]
    public async Task Replicates_the_latest_version_as_current_and_commits_after_the_write()
    {
        var order = new List<string>();
        ClaimSucceeds(order);
        SourceHas("db-password", V1, latest: V1, order);
        _target.Setup(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("write")).ReturnsAsync(new TargetWriteResult(CreatedSecret: true, RestoredSecret: false));
        _ledger.Setup(l => l.CommitAsync(_claim, It.IsAny<CancellationToken>())).Callback(() => order.Add("commit")).ReturnsAsync(true);

        ReplicationOutcome outcome = await Replicator("kv/").ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        Assert.Equal("kv/db-password", outcome.TargetName);
        Assert.True(outcome.CreatedTarget);
        Assert.False(outcome.Superseded);
        Assert.Equal(["claim", "read", "latest", "write", "latest", "commit"], order);
        _target.Verify(t => t.WriteAsync(It.Is<TargetSecretWrite>(w =>
            w.TargetName == "kv/db-password" && w.VersionId == V1 && w.MakeCurrent && w.Value.Reveal() == Value), It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task A_done_version_is_skipped_without_reading_the_source_or_writing_the_target()
    {
        _ledger.Setup(l => l.TryClaimAsync(It.IsAny<SecretVersionRef>(), It.IsAny<CancellationToken>())).ReturnsAsync(LedgerClaimResult.AlreadyDone);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, outcome.Kind);
        _source.Verify(s => s.ReadVersionAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        _target.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_version_in_flight_elsewhere_is_answered_retry_later()
    {
        _ledger.Setup(l => l.TryClaimAsync(It.IsAny<SecretVersionRef>(), It.IsAny<CancellationToken>())).ReturnsAsync(LedgerClaimResult.InFlight);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.RetryLater, outcome.Kind);
        Assert.Contains("in flight", outcome.Reason);
        _target.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(SourceReadStatus.Disabled, "disabled")]
    [InlineData(SourceReadStatus.NotFound, "no longer exists")]
    public async Task A_disabled_or_vanished_version_is_skipped_and_its_claim_released(SourceReadStatus status, string reason)
    {
        ClaimSucceeds();
        _source.Setup(s => s.ReadVersionAsync("db-password", V1, It.IsAny<CancellationToken>()))
            .ReturnsAsync(status == SourceReadStatus.Disabled ? SourceReadResult.Disabled : SourceReadResult.NotFound);
        _ledger.Setup(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.Skipped, outcome.Kind);
        Assert.Contains(reason, outcome.Reason);
        _ledger.Verify(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>()), Times.Once);
        _ledger.Verify(l => l.CommitAsync(It.IsAny<LedgerClaim>(), It.IsAny<CancellationToken>()), Times.Never);
        _target.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_skipped_version_whose_claim_cannot_be_released_is_retried_rather_than_left_claimed()
    {
        // Found by kvrep chaos: the skip was acknowledged, so no delivery ever came back and the marker stayed
        // claimed forever. Asking for a retry brings a delivery back that takes the expired claim over,
        // skips again and releases it.
        ClaimSucceeds();
        _source.Setup(s => s.ReadVersionAsync("db-password", V1, It.IsAny<CancellationToken>())).ReturnsAsync(SourceReadResult.Disabled);
        _ledger.Setup(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>())).ThrowsAsync(new SecretStoreException("Ledger release failed: HTTP 503", isTransient: true));

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.RetryLater, outcome.Kind);
        Assert.Contains("disabled", outcome.Reason);
        Assert.Contains("claim could not be released", outcome.Reason);
        _target.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task An_older_version_is_stored_without_becoming_current()
    {
        ClaimSucceeds();
        SourceHas("db-password", V1, latest: V2);
        _target.Setup(t => t.WriteAsync(It.Is<TargetSecretWrite>(w => !w.MakeCurrent), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TargetWriteResult(false, false));
        _ledger.Setup(l => l.CommitAsync(_claim, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        Assert.True(outcome.Superseded);
        _target.Verify(t => t.PromoteAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task An_older_version_reaching_an_empty_target_is_preceded_by_the_newest_version()
    {
        var writes = new List<(string Version, bool MakeCurrent)>();
        ClaimSucceeds();
        SourceHas("db-password", V1, latest: V2);
        _source.Setup(s => s.ReadVersionAsync("db-password", V2, It.IsAny<CancellationToken>())).ReturnsAsync(Found("db-password", V2));
        _ledger.Setup(l => l.CommitAsync(_claim, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        var results = new Queue<TargetWriteResult>([TargetWriteResult.CurrentVersionNeededFirst, new TargetWriteResult(CreatedSecret: true, RestoredSecret: false), new TargetWriteResult(false, false)]);
        _target.Setup(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>()))
            .Callback((TargetSecretWrite w, CancellationToken _) => writes.Add((w.VersionId, w.MakeCurrent)))
            .ReturnsAsync(() => results.Dequeue());

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        Assert.True(outcome.Superseded);
        Assert.True(outcome.CreatedTarget);
        Assert.Equal([(V1, false), (V2, true), (V1, false)], writes);
    }

    [Fact]
    public async Task A_version_left_current_by_an_earlier_failed_hand_back_gives_current_to_the_newest_on_redelivery()
    {
        // The first delivery wrote V1 as current, then failed before handing AWSCURRENT to V2; the repeated
        // write is a no-op in AWS that reports V1 still current.
        ClaimSucceeds();
        SourceHas("db-password", V1, latest: V2);
        _target.Setup(t => t.WriteAsync(It.Is<TargetSecretWrite>(w => !w.MakeCurrent), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TargetWriteResult(false, false, VersionIsCurrent: true));
        _target.Setup(t => t.PromoteAsync("db-password", V2, V1, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _ledger.Setup(l => l.CommitAsync(_claim, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        _target.Verify(t => t.PromoteAsync("db-password", V2, V1, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_version_whose_secret_lost_every_enabled_version_after_the_read_is_not_written()
    {
        ClaimSucceeds();
        _source.Setup(s => s.ReadVersionAsync("db-password", V1, It.IsAny<CancellationToken>())).ReturnsAsync(Found("db-password", V1));
        _source.Setup(s => s.GetLatestEnabledVersionAsync("db-password", It.IsAny<CancellationToken>())).ReturnsAsync((string?)null);
        _ledger.Setup(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.Skipped, outcome.Kind);
        Assert.Contains("no longer has an enabled version", outcome.Reason);
        _target.VerifyNoOtherCalls();
        _ledger.Verify(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task The_newest_version_written_ahead_of_an_older_one_hands_current_on_if_it_was_overtaken_too()
    {
        const string V3 = "33333333333333333333333333333333";
        ClaimSucceeds();
        _source.Setup(s => s.ReadVersionAsync("db-password", V1, It.IsAny<CancellationToken>())).ReturnsAsync(Found("db-password", V1));
        _source.Setup(s => s.ReadVersionAsync("db-password", V2, It.IsAny<CancellationToken>())).ReturnsAsync(Found("db-password", V2));
        _source.SetupSequence(s => s.GetLatestEnabledVersionAsync("db-password", It.IsAny<CancellationToken>()))
            .ReturnsAsync(V2)
            .ReturnsAsync(V3);
        var results = new Queue<TargetWriteResult>([TargetWriteResult.CurrentVersionNeededFirst, new TargetWriteResult(true, false, VersionIsCurrent: true), new TargetWriteResult(false, false)]);
        _target.Setup(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>())).ReturnsAsync(() => results.Dequeue());
        _target.Setup(t => t.PromoteAsync("db-password", V3, V2, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _ledger.Setup(l => l.CommitAsync(_claim, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        _target.Verify(t => t.PromoteAsync("db-password", V3, V2, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_claim_about_to_expire_is_not_used_for_a_write()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var expiring = new LedgerClaim(Ref("db-password", V1), "\"etag-1\"", clock.GetUtcNow() + SecretReplicator.MinimumClaimLeftToWrite - TimeSpan.FromSeconds(1));
        _ledger.Setup(l => l.TryClaimAsync(Ref("db-password", V1), It.IsAny<CancellationToken>())).ReturnsAsync(LedgerClaimResult.Claimed(expiring));
        SourceHas("db-password", V1, latest: V1);
        _ledger.Setup(l => l.ReleaseAsync(expiring, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        ReplicationOutcome outcome = await Replicator(timeProvider: clock).ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.RetryLater, outcome.Kind);
        Assert.Contains("too soon to write", outcome.Reason);
        _target.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_secret_backing_a_certificate_is_skipped()
    {
        ClaimSucceeds();
        _source.Setup(s => s.ReadVersionAsync("db-password", V1, It.IsAny<CancellationToken>())).ReturnsAsync(SourceReadResult.Managed);
        _ledger.Setup(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.Skipped, outcome.Kind);
        Assert.Contains("certificate", outcome.Reason);
        _target.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_newer_version_created_during_the_write_gets_current_back()
    {
        ClaimSucceeds();
        _source.Setup(s => s.ReadVersionAsync("db-password", V1, It.IsAny<CancellationToken>())).ReturnsAsync(Found("db-password", V1));
        _source.SetupSequence(s => s.GetLatestEnabledVersionAsync("db-password", It.IsAny<CancellationToken>()))
            .ReturnsAsync(V1)
            .ReturnsAsync(V2);
        _target.Setup(t => t.WriteAsync(It.Is<TargetSecretWrite>(w => w.MakeCurrent), It.IsAny<CancellationToken>())).ReturnsAsync(new TargetWriteResult(false, false));
        _target.Setup(t => t.PromoteAsync("db-password", V2, V1, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _ledger.Setup(l => l.CommitAsync(_claim, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        _target.Verify(t => t.PromoteAsync("db-password", V2, V1, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData(true, ReplicationOutcomeKind.RetryLater)]
    [InlineData(false, ReplicationOutcomeKind.Rejected)]
    public async Task A_target_failure_releases_the_claim_and_is_classified(bool transient, ReplicationOutcomeKind expected)
    {
        ClaimSucceeds();
        SourceHas("db-password", V1, latest: V1);
        _target.Setup(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SecretStoreException("PutSecretValue failed: ThrottlingException (400)", transient, "ThrottlingException"));
        _ledger.Setup(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(expected, outcome.Kind);
        Assert.Contains("ThrottlingException", outcome.Reason);
        _ledger.Verify(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>()), Times.Once);
        _ledger.Verify(l => l.CommitAsync(It.IsAny<LedgerClaim>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task An_unexpected_exception_is_retried_and_its_message_is_not_repeated()
    {
        ClaimSucceeds();
        SourceHas("db-password", V1, latest: V1);
        _target.Setup(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException($"boom with {Value}"));
        _ledger.Setup(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.RetryLater, outcome.Kind);
        Assert.Equal("replication failed: unexpected InvalidOperationException", outcome.Reason);
        _logs.AssertContainsNone([Value]);
    }

    [Fact]
    public async Task A_failed_release_leaves_the_claim_to_expire_and_keeps_the_outcome()
    {
        ClaimSucceeds();
        _source.Setup(s => s.ReadVersionAsync("db-password", V1, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SecretStoreException("Key Vault GetSecret failed: 503", isTransient: true));
        _ledger.Setup(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>())).ThrowsAsync(new SecretStoreException("blob 503", true));

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.RetryLater, outcome.Kind);
        Assert.Contains(_logs.Entries, e => e.Contains("expires on its own", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_commit_failure_after_the_write_asks_for_a_retry_so_the_marker_gets_done()
    {
        ClaimSucceeds();
        SourceHas("db-password", V1, latest: V1);
        _target.Setup(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>())).ReturnsAsync(new TargetWriteResult(false, false));
        _ledger.Setup(l => l.CommitAsync(_claim, It.IsAny<CancellationToken>())).ThrowsAsync(new SecretStoreException("blob 503", true));
        _ledger.Setup(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.RetryLater, outcome.Kind);
        Assert.Contains("ledger commit", outcome.Reason);
    }

    [Fact]
    public async Task A_lost_claim_at_commit_still_counts_as_replicated()
    {
        ClaimSucceeds();
        SourceHas("db-password", V1, latest: V1);
        _target.Setup(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>())).ReturnsAsync(new TargetWriteResult(false, false));
        _ledger.Setup(l => l.CommitAsync(_claim, It.IsAny<CancellationToken>())).ReturnsAsync(false);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        Assert.Contains(_logs.Entries, e => e.Contains("expired before commit", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("kvrep-roles-anywhere-private-key")]
    [InlineData("KVREP-Roles-Anywhere-Certificate")]
    public async Task The_replicators_own_credentials_are_never_replicated(string name)
    {
        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref(name, V1));

        Assert.Equal(ReplicationOutcomeKind.Skipped, outcome.Kind);
        Assert.Contains("excluded", outcome.Reason);
        _ledger.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task An_event_from_another_vault_is_rejected_without_side_effects()
    {
        ReplicationOutcome outcome = await Replicator().ReplicateAsync(new SecretVersionRef("other-kv", "db-password", V1));

        Assert.Equal(ReplicationOutcomeKind.Rejected, outcome.Kind);
        Assert.Contains("other-kv", outcome.Reason);
        _ledger.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_name_that_maps_beyond_the_target_limit_is_rejected_before_claiming()
    {
        ReplicationOutcome outcome = await Replicator(new string('p', 400)).ReplicateAsync(Ref(new string('n', 120), V1));

        Assert.Equal(ReplicationOutcomeKind.Rejected, outcome.Kind);
        Assert.Contains("512", outcome.Reason);
        _ledger.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task The_source_spelling_of_a_case_insensitive_name_decides_the_target_name()
    {
        ClaimSucceeds("DB-Password");
        _source.Setup(s => s.ReadVersionAsync("DB-Password", V1, It.IsAny<CancellationToken>())).ReturnsAsync(Found("db-password", V1));
        _source.Setup(s => s.GetLatestEnabledVersionAsync("db-password", It.IsAny<CancellationToken>())).ReturnsAsync(V1);
        _target.Setup(t => t.WriteAsync(It.Is<TargetSecretWrite>(w => w.TargetName == "db-password"), It.IsAny<CancellationToken>())).ReturnsAsync(new TargetWriteResult(false, false));
        _ledger.Setup(l => l.CommitAsync(It.IsAny<LedgerClaim>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);

        ReplicationOutcome outcome = await Replicator().ReplicateAsync(Ref("DB-Password", V1));

        Assert.Equal("db-password", outcome.TargetName);
    }

    [Fact]
    public async Task Cancellation_releases_the_claim_and_propagates()
    {
        using var cts = new CancellationTokenSource();
        ClaimSucceeds();
        _source.Setup(s => s.ReadVersionAsync("db-password", V1, It.IsAny<CancellationToken>()))
            .Returns(async (string _, string _, CancellationToken ct) =>
            {
                await cts.CancelAsync();
                ct.ThrowIfCancellationRequested();
                return SourceReadResult.NotFound;
            });
        _ledger.Setup(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Replicator().ReplicateAsync(Ref("db-password", V1), cts.Token));

        _ledger.Verify(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Logs_name_and_version_but_never_the_value()
    {
        ClaimSucceeds();
        SourceHas("db-password", V1, latest: V1);
        _target.Setup(t => t.WriteAsync(It.IsAny<TargetSecretWrite>(), It.IsAny<CancellationToken>())).ReturnsAsync(new TargetWriteResult(true, false));
        _ledger.Setup(l => l.CommitAsync(_claim, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        await Replicator().ReplicateAsync(Ref("db-password", V1));

        string entry = Assert.Single(_logs.Entries);
        Assert.Contains("db-password", entry);
        Assert.Contains(V1, entry);
        _logs.AssertContainsNone([Value]);
    }

    [Fact]
    public async Task A_version_without_the_opt_in_tag_is_skipped_before_any_write_and_its_claim_released()
    {
        ClaimSucceeds();
        SourceHas("db-password", V1, latest: V1);
        _ledger.Setup(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        var options = new ReplicationOptions { RequiredTagName = "replicate-to-aws", RequiredTagValue = "true" };

        ReplicationOutcome outcome = await new SecretReplicator(_source.Object, _target.Object, _ledger.Object, Options.Create(options), _logs.CreateLogger<SecretReplicator>())
            .ReplicateAsync(Ref("db-password", V1));

        Assert.Equal((ReplicationOutcomeKind.Skipped, "secret lacks the opt-in tag 'replicate-to-aws'"), (outcome.Kind, outcome.Reason));
        _ledger.Verify(l => l.ReleaseAsync(_claim, It.IsAny<CancellationToken>()), Times.Once);
        _target.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_name_matching_an_exclude_glob_is_skipped_without_claiming()
    {
        var options = new ReplicationOptions { ExcludeNamePatterns = ["db-*"] };

        ReplicationOutcome outcome = await new SecretReplicator(_source.Object, _target.Object, _ledger.Object, Options.Create(options), _logs.CreateLogger<SecretReplicator>())
            .ReplicateAsync(Ref("db-password", V1));

        Assert.Equal((ReplicationOutcomeKind.Skipped, "secret name matches an exclude pattern"), (outcome.Kind, outcome.Reason));
        _ledger.VerifyNoOtherCalls();
        _target.VerifyNoOtherCalls();
    }

    private SecretReplicator Replicator(string prefix = "", TimeProvider? timeProvider = null) =>
        new(_source.Object, _target.Object, _ledger.Object,
            Options.Create(new ReplicationOptions { TargetPrefix = prefix }), _logs.CreateLogger<SecretReplicator>(), timeProvider: timeProvider);

    private static SecretVersionRef Ref(string name, string version) => new(Vault, name, version);

    private void ClaimSucceeds(List<string>? order = null) => ClaimSucceeds("db-password", order);

    private void ClaimSucceeds(string name, List<string>? order = null) =>
        _ledger.Setup(l => l.TryClaimAsync(Ref(name, V1), It.IsAny<CancellationToken>()))
            .Callback(() => order?.Add("claim"))
            .ReturnsAsync(LedgerClaimResult.Claimed(_claim));

    private void SourceHas(string name, string version, string latest, List<string>? order = null)
    {
        _source.Setup(s => s.ReadVersionAsync(name, version, It.IsAny<CancellationToken>()))
            .Callback(() => order?.Add("read")).ReturnsAsync(Found(name, version));
        _source.Setup(s => s.GetLatestEnabledVersionAsync(name, It.IsAny<CancellationToken>()))
            .Callback(() => order?.Add("latest")).ReturnsAsync(latest);
    }

    private static SourceReadResult Found(string name, string version) => SourceReadResult.Found(new SourceSecretVersion
    {
        VaultName = Vault,
        Name = name,
        Version = version,
        Value = new SecretValue(Value),
    });
}
