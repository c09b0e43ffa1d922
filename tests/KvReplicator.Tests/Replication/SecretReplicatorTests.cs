using KvReplicator.Ledger;
using KvReplicator.Replication;
using static KvReplicator.Tests.Replication.ReplicationTestBed;

namespace KvReplicator.Tests.Replication;

/// <summary>One version's life through <see cref="SecretReplicator"/>: what it is refused or skipped for, what it costs, how it fails.</summary>
public sealed class SecretReplicatorTests
{
    private const string Secret = "db-password";
    private const string Target = Prefix + Secret;

    private readonly ReplicationTestBed _bed = new();

    [Fact]
    public async Task The_latest_version_of_a_new_secret_costs_one_read_one_CreateSecret_and_three_ledger_calls()
    {
        string v1 = _bed.Create(Secret, 1);
        SecretLedgerState? lockedDuringWrite = null;
        _bed.Target.BeforeWrite = (_, _) =>
        {
            lockedDuringWrite = _bed.LedgerState(Secret);
            return Task.CompletedTask;
        };

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal((ReplicationOutcomeKind.Replicated, Target, true, false), (outcome.Kind, outcome.TargetName, outcome.CreatedTarget, outcome.Superseded));
        Assert.Equal(["CreateSecret"], _bed.Target.Operations);
        Assert.Equal(ValueOf(Secret, 1), _bed.Target.ValueOf(Target, v1));
        Assert.Equal((1, 0), (_bed.Source.LatestReads, _bed.Source.VersionReads));
        Assert.Equal((1, 2), (_bed.Ledger.Reads, _bed.Ledger.Writes));

        // The lock and its intent were in the ledger while AWS was written.
        LedgerPlannedWrite planned = Assert.Single(lockedDuringWrite!.Lock!.Intent);
        Assert.Equal((v1, TargetVersionStage.Current), (planned.Id, planned.Stage));

        SecretLedgerState state = _bed.LedgerState(Secret)!;
        Assert.Null(state.Lock);
        Assert.True(state.IsDone(v1));
        Assert.Equal(new LedgerVersion(v1, Epoch.AddSeconds(1)), state.Current);
        Assert.Equal(Target, state.Target);
        Assert.NotNull(state.OwnershipVerifiedOn);
    }

    [Fact]
    public async Task A_done_version_is_answered_from_the_record_without_reading_the_vault_or_writing()
    {
        string v1 = _bed.Create(Secret, 1);
        SecretReplicator first = _bed.NewProcess();
        await first.ReplicateAsync(Ref(Secret, v1));
        (int reads, int writes, int sourceReads) = (_bed.Ledger.Reads, _bed.Ledger.Writes, _bed.Source.Reads);

        ReplicationOutcome sameProcess = await first.ReplicateAsync(Ref(Secret, v1));
        Assert.Equal(reads, _bed.Ledger.Reads); // this process saw it done: not even a read

        ReplicationOutcome otherProcess = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal((ReplicationOutcomeKind.AlreadyDone, Target), (sameProcess.Kind, sameProcess.TargetName));
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, otherProcess.Kind);
        Assert.Equal((reads + 1, writes), (_bed.Ledger.Reads, _bed.Ledger.Writes));
        Assert.Equal(sourceReads, _bed.Source.Reads);
        Assert.Equal(1, _bed.Target.Writes);
        Assert.Single(_bed.Notifier.Sent);
    }

    [Fact]
    public async Task A_warm_process_locks_the_next_version_on_the_record_it_committed_without_reading_it_again()
    {
        string v1 = _bed.Create(Secret, 1);
        SecretReplicator process = _bed.NewProcess();
        await process.ReplicateAsync(Ref(Secret, v1));
        (int reads, int writes) = (_bed.Ledger.Reads, _bed.Ledger.Writes);

        string v2 = _bed.Create(Secret, 2);
        ReplicationOutcome outcome = await process.ReplicateAsync(Ref(Secret, v2));

        Assert.Equal((ReplicationOutcomeKind.Replicated, false), (outcome.Kind, outcome.Superseded));
        Assert.Equal((reads, writes + 2, 0), (_bed.Ledger.Reads, _bed.Ledger.Writes, _bed.Ledger.RefusedWrites));
        Assert.Equal((v2, v1), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        Assert.True(_bed.LedgerState(Secret)!.IsDone(v2));
    }

    [Fact]
    public async Task A_record_another_instance_changed_since_this_process_committed_costs_a_refused_lock_and_a_read_never_a_wrong_write()
    {
        string v1 = _bed.Create(Secret, 1);
        SecretReplicator stale = _bed.NewProcess();
        await stale.ReplicateAsync(Ref(Secret, v1));

        // Another instance replicates the next version: this process's remembered record is now out of date.
        string v2 = _bed.Create(Secret, 2);
        await _bed.NewProcess().ReplicateAsync(Ref(Secret, v2));
        int targetWrites = _bed.Target.Writes;
        (int reads, int refused) = (_bed.Ledger.Reads, _bed.Ledger.RefusedWrites);

        // A duplicate of the version the other instance wrote: refused lock, one read, found done, nothing written.
        ReplicationOutcome duplicate = await stale.ReplicateAsync(Ref(Secret, v2));
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, duplicate.Kind);
        Assert.Equal((reads + 1, refused + 1, targetWrites), (_bed.Ledger.Reads, _bed.Ledger.RefusedWrites, _bed.Target.Writes));

        // The next version is planned from the record as it is now: AWSPREVIOUS goes to v2, not back to v1.
        string v3 = _bed.Create(Secret, 3);
        ReplicationOutcome next = await stale.ReplicateAsync(Ref(Secret, v3));
        Assert.Equal(ReplicationOutcomeKind.Replicated, next.Kind);
        Assert.Equal((v3, v2), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        Assert.Equal((v3, v2), (_bed.LedgerState(Secret)!.Current!.Id, _bed.LedgerState(Secret)!.Previous!.Id));
    }

    [Fact]
    public async Task Instances_that_take_turns_at_a_secret_soon_read_the_record_first_instead_of_locking_on_a_stale_one()
    {
        SecretReplicator[] instances = [_bed.NewProcess(), _bed.NewProcess()];
        for (int i = 1; i <= 64; i++)
        {
            string version = _bed.Create(Secret, i);
            Assert.Equal(ReplicationOutcomeKind.Replicated, (await instances[i % 2].ReplicateAsync(Ref(Secret, version))).Kind);
        }

        // Every version after the first two finds the other instance's write: locking on its own memory would be refused
        // 62 times. The odds stop that after the first refusals, save a probe in sixteen versions.
        Assert.InRange(_bed.Ledger.RefusedWrites, 1, 12);
        Assert.Equal(_bed.LedgerState(Secret)!.Current!.Id, Id(64));
    }

    [Fact]
    public async Task An_event_from_another_vault_is_rejected_without_side_effects()
    {
        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(new KvReplicator.SecretVersionRef("other-kv", Secret, Id(1)));

        Assert.Equal(ReplicationOutcomeKind.Rejected, outcome.Kind);
        Assert.Contains("other-kv", outcome.Reason, StringComparison.Ordinal);
        AssertUntouched();
    }

    [Theory]
    [InlineData("kvrep-roles-anywhere-private-key")]
    [InlineData("KVREP-Roles-Anywhere-Certificate")]
    public async Task The_replicators_own_credentials_are_never_replicated(string name)
    {
        _bed.Create(name, 1);

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(name, Id(1)));

        Assert.Equal(ReplicationOutcomeKind.Skipped, outcome.Kind);
        Assert.Contains("excluded", outcome.Reason, StringComparison.Ordinal);
        AssertUntouched();
    }

    [Fact]
    public async Task A_name_matching_an_exclude_glob_is_skipped_without_touching_a_store()
    {
        _bed.Options.ExcludeNamePatterns = ["db-*"];
        _bed.Create(Secret, 1);

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, Id(1)));

        Assert.Equal((ReplicationOutcomeKind.Skipped, "secret name matches an exclude pattern"), (outcome.Kind, outcome.Reason));
        AssertUntouched();
    }

    [Fact]
    public async Task A_name_that_maps_beyond_the_target_limit_is_rejected_before_touching_a_store()
    {
        _bed.Options.TargetPrefix = new string('p', 400);

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(new string('n', 120), Id(1)));

        Assert.Equal(ReplicationOutcomeKind.Rejected, outcome.Kind);
        Assert.Contains("512", outcome.Reason, StringComparison.Ordinal);
        AssertUntouched();
    }

    [Fact]
    public async Task A_version_without_the_opt_in_tag_is_skipped_after_its_read_and_takes_no_lock()
    {
        _bed.Options.RequiredTagName = "replicate-to-aws";
        _bed.Options.RequiredTagValue = "true";
        _bed.Create(Secret, 1, tags: new Dictionary<string, string> { ["team"] = "payments" });

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, Id(1)));

        Assert.Equal((ReplicationOutcomeKind.Skipped, "secret lacks the opt-in tag 'replicate-to-aws'"), (outcome.Kind, outcome.Reason));
        Assert.Equal(0, _bed.Ledger.Writes);
        Assert.Empty(_bed.Target.Operations);
    }

    [Fact]
    public async Task An_older_version_is_not_held_back_by_a_newest_version_the_filters_exclude()
    {
        // The newest version lost the opt-in tag: it is not replicated, not even ahead of an older one.
        _bed.Options.RequiredTagName = "replicate-to-aws";
        var optedIn = new Dictionary<string, string> { ["replicate-to-aws"] = "true" };
        string v1 = _bed.Create(Secret, 1, tags: optedIn);
        string v2 = _bed.Create(Secret, 2);

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        Assert.False(_bed.Target.Holds(Target, v2));
        Assert.Equal(v1, _bed.Target.CurrentOf(Target));
    }

    [Theory]
    [InlineData("disabled", "version is disabled in Key Vault")]
    [InlineData("unknown", "version no longer exists in Key Vault")]
    [InlineData("certificate", "secret backs a Key Vault certificate; its private key stays in Key Vault")]
    [InlineData("all disabled", "version is disabled in Key Vault")]
    [InlineData("deleted", "version no longer exists in Key Vault")]
    public async Task A_version_that_cannot_be_read_is_skipped_without_a_lock_or_a_write(string situation, string reason)
    {
        string version = Id(1);
        switch (situation)
        {
            case "disabled":
                _bed.Create(Secret, 1, enabled: false);
                _bed.Create(Secret, 2);
                break;
            case "unknown":
                _bed.Create(Secret, 2);
                break;
            case "certificate":
                _bed.Source.Add(Secret, version, "-----BEGIN PRIVATE KEY-----", Epoch, managed: true);
                break;
            case "all disabled":
                _bed.Create(Secret, 1, enabled: false);
                break;
        }

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, version));

        Assert.Equal((ReplicationOutcomeKind.Skipped, reason, Target), (outcome.Kind, outcome.Reason, outcome.TargetName));
        Assert.Equal(0, _bed.Ledger.Writes);
        Assert.Empty(_bed.Target.Operations);
        Assert.Empty(_bed.Notifier.Sent);
    }

    [Fact]
    public async Task A_disabled_newest_version_leaves_AWSCURRENT_to_the_newest_enabled_one()
    {
        string v1 = _bed.Create(Secret, 1);
        _bed.Create(Secret, 2, enabled: false);

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal((ReplicationOutcomeKind.Replicated, false), (outcome.Kind, outcome.Superseded));
        Assert.Equal([v1], _bed.Target.CurrentHistory(Target));
    }

    [Theory]
    [InlineData(true, ReplicationOutcomeKind.RetryLater)]
    [InlineData(false, ReplicationOutcomeKind.Rejected)]
    public async Task A_target_failure_frees_the_lock_records_nothing_and_is_classified(bool transient, ReplicationOutcomeKind expected)
    {
        string v1 = _bed.Create(Secret, 1);
        _bed.Target.BeforeWrite = (_, _) => throw new SecretStoreException("Secrets Manager CreateSecret failed: ThrottlingException (HTTP 400)", transient, "ThrottlingException");

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal((expected, "ThrottlingException"), (outcome.Kind, outcome.ErrorCode));
        Assert.Contains("ThrottlingException", outcome.Reason, StringComparison.Ordinal);
        SecretLedgerState state = _bed.LedgerState(Secret)!;
        Assert.Null(state.Lock);
        Assert.False(state.IsDone(v1));
        Assert.Empty(_bed.Notifier.Sent);
    }

    [Fact]
    public async Task A_version_that_failed_is_written_by_its_next_delivery()
    {
        string v1 = _bed.Create(Secret, 1);
        _bed.Target.BeforeWrite = (_, _) => throw new SecretStoreException("Secrets Manager CreateSecret failed: HTTP 503", isTransient: true);
        SecretReplicator replicator = _bed.NewProcess();
        await replicator.ReplicateAsync(Ref(Secret, v1));
        _bed.Target.BeforeWrite = null;

        ReplicationOutcome retried = await replicator.ReplicateAsync(Ref(Secret, v1));

        Assert.Equal(ReplicationOutcomeKind.Replicated, retried.Kind);
        Assert.Equal(v1, _bed.Target.CurrentOf(Target));
    }

    [Fact]
    public async Task An_unexpected_exception_is_retried_and_its_message_is_not_repeated()
    {
        string v1 = _bed.Create(Secret, 1);
        _bed.Target.BeforeWrite = (_, _) => throw new InvalidOperationException($"boom with {ValueOf(Secret, 1)}");

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal((ReplicationOutcomeKind.RetryLater, "replication failed: unexpected InvalidOperationException"), (outcome.Kind, outcome.Reason));
        _bed.Logs.AssertContainsNone([ValueOf(Secret, 1)]);
    }

    [Fact]
    public async Task A_ledger_that_cannot_be_read_asks_for_a_retry_before_any_other_call()
    {
        string v1 = _bed.Create(Secret, 1);
        _bed.Ledger.BeforeRead = (_, _) => throw new SecretStoreException("Ledger read failed: HTTP 503 ServerBusy", isTransient: true, "ServerBusy");

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal((ReplicationOutcomeKind.RetryLater, "ServerBusy"), (outcome.Kind, outcome.ErrorCode));
        Assert.Equal(0, _bed.Source.Reads);
        Assert.Empty(_bed.Target.Operations);
    }

    [Fact]
    public async Task A_lock_that_cannot_be_freed_after_a_failure_is_left_to_expire_and_the_outcome_kept()
    {
        string v1 = _bed.Create(Secret, 1);
        _bed.Target.BeforeWrite = (_, _) => throw new SecretStoreException("Secrets Manager CreateSecret failed: HTTP 503", isTransient: true);
        _bed.Ledger.BeforeWrite = (_, state, _) => state.Lock is null ? throw new SecretStoreException("Ledger write failed: HTTP 503", isTransient: true) : Task.CompletedTask;

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal(ReplicationOutcomeKind.RetryLater, outcome.Kind);
        Assert.Contains("HTTP 503", outcome.Reason, StringComparison.Ordinal);
        Assert.NotNull(_bed.LedgerState(Secret)!.Lock);
        Assert.Contains(_bed.Logs.Entries, entry => entry.Contains("expires on its own", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancellation_during_the_write_frees_the_lock_and_propagates()
    {
        string v1 = _bed.Create(Secret, 1);
        using var cancellation = new CancellationTokenSource();
        _bed.Target.BeforeWrite = async (_, token) =>
        {
            await cancellation.CancelAsync();
            token.ThrowIfCancellationRequested();
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _bed.NewProcess().ReplicateAsync(Ref(Secret, v1), cancellation.Token));

        SecretLedgerState state = _bed.LedgerState(Secret)!;
        Assert.Null(state.Lock);
        Assert.False(state.IsDone(v1));
    }

    [Fact]
    public async Task Cancellation_before_the_lock_propagates_without_a_ledger_write()
    {
        string v1 = _bed.Create(Secret, 1);
        using var cancellation = new CancellationTokenSource();
        _bed.Source.BeforeRead = async (_, _, token) =>
        {
            await cancellation.CancelAsync();
            token.ThrowIfCancellationRequested();
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _bed.NewProcess().ReplicateAsync(Ref(Secret, v1), cancellation.Token));

        Assert.Equal(0, _bed.Ledger.Writes);
    }

    [Fact]
    public async Task The_source_spelling_of_a_case_insensitive_name_decides_the_target_name()
    {
        string v1 = _bed.Create(Secret, 1);

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref("DB-Password", v1));

        Assert.Equal(Target, outcome.TargetName);
        Assert.True(_bed.Target.Exists(Target));
        Assert.False(_bed.Target.Exists(Prefix + "DB-Password"));
    }

    [Fact]
    public async Task Logs_name_and_version_but_never_the_value()
    {
        string v1 = _bed.Create(Secret, 1);

        await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        string entry = Assert.Single(_bed.Logs.Entries);
        Assert.Contains(Secret, entry, StringComparison.Ordinal);
        Assert.Contains(v1, entry, StringComparison.Ordinal);
        _bed.Logs.AssertContainsNone([ValueOf(Secret, 1)]);
    }

    private void AssertUntouched()
    {
        Assert.Equal(0, _bed.Ledger.Calls);
        Assert.Equal(0, _bed.Source.Reads);
        Assert.Empty(_bed.Target.Operations);
    }
}
