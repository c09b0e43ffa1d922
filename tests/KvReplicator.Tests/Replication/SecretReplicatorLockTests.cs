using KvReplicator.Ledger;
using KvReplicator.Notifications;
using KvReplicator.Replication;
using static KvReplicator.Tests.Replication.ReplicationTestBed;

namespace KvReplicator.Tests.Replication;

/// <summary>
/// The secret's lock: duplicates and concurrent versions in one process, another instance holding the lock,
/// a handler that died holding it, and a lock that must outlast every write made under it. Time is the
/// fake clock's: a test lets a back-off delay run out only once the replicator waits on it.
/// </summary>
public sealed class SecretReplicatorLockTests
{
    private const string Secret = "db-password";
    private const string Target = Prefix + Secret;
    private static readonly TimeSpan s_lockDuration = new ReplicationOptions().LockDuration;
    private static readonly TimeSpan s_longestPoll = TimeSpan.FromSeconds(1);

    private readonly ReplicationTestBed _bed = new();

    [Fact]
    public async Task Concurrent_duplicates_in_one_process_share_one_handling_and_one_write()
    {
        string v1 = _bed.Create(Secret, 1);
        (TaskCompletionSource writing, TaskCompletionSource release) = BlockWrites();
        SecretReplicator replicator = _bed.NewProcess();

        Task<ReplicationOutcome> first = replicator.ReplicateAsync(Ref(Secret, v1));
        await writing.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Task<ReplicationOutcome>[] duplicates = [replicator.ReplicateAsync(Ref(Secret, v1)), replicator.ReplicateAsync(Ref(Secret, v1))];
        release.SetResult();
        ReplicationOutcome[] outcomes = await Task.WhenAll([first, .. duplicates]);

        Assert.Equal([ReplicationOutcomeKind.Replicated, ReplicationOutcomeKind.AlreadyDone, ReplicationOutcomeKind.AlreadyDone], outcomes.Select(o => o.Kind));
        Assert.Equal((1, 1, 1), (_bed.Target.Writes, _bed.Source.Reads, _bed.Ledger.Reads));
        Assert.Single(_bed.Notifier.Sent);
    }

    [Fact]
    public async Task Versions_of_one_secret_in_one_process_queue_in_memory_and_never_race_for_the_ledger()
    {
        string v1 = _bed.Create(Secret, 1);
        string v2 = _bed.Create(Secret, 2);
        (TaskCompletionSource writing, TaskCompletionSource release) = BlockWrites();
        SecretReplicator replicator = _bed.NewProcess();

        Task<ReplicationOutcome> newest = replicator.ReplicateAsync(Ref(Secret, v2));
        await writing.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Task<ReplicationOutcome> older = replicator.ReplicateAsync(Ref(Secret, v1));
        release.SetResult();

        Assert.Equal(ReplicationOutcomeKind.Replicated, (await newest).Kind);
        Assert.Equal((ReplicationOutcomeKind.Replicated, true), ((await older).Kind, (await older).Superseded));
        Assert.Equal(0, _bed.Ledger.RefusedWrites);
        Assert.Equal((v2, v1), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        Assert.Equal(["CreateSecret", "PutSecretValue"], _bed.Target.Operations);
    }

    /// <summary>
    /// Found by <c>kvrep-dev bench --pattern created-first</c>: a handler that read the record while another
    /// handler of this process held the lock, and got its answer back only after that handler had committed, went
    /// on from the stale record: it took this process's own lock for a dead handler's and asked AWS what reached it
    /// (a DescribeSecret, and a "took over" warning) before its write was refused and it read the record again.
    /// </summary>
    [Fact]
    public async Task A_record_read_before_this_process_freed_its_own_lock_is_read_again_instead_of_taken_over()
    {
        string v1 = _bed.Create(Secret, 1);
        string v2 = _bed.Create(Secret, 2);
        var ledger = new StaleReadLedger(_bed.Ledger);
        var replicator = new SecretReplicator(
            _bed.Source, _bed.Target, ledger, Microsoft.Extensions.Options.Options.Create(_bed.Options), _bed.Logs.CreateLogger<SecretReplicator>(), null, _bed.Notifier, _bed.Clock);

        // While the newest version's handler holds the lock (and this process remembers it locked, so the older
        // version's handler reads the record instead of starting from the remembered one), the older version's
        // handler reads the record; its read answers only once the first handler is done.
        Task<ReplicationOutcome>? older = null;
        var newestDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ledger.FirstHandlerDone = newestDone.Task;
        _bed.Target.BeforeWrite = async (write, _) =>
        {
            if (write.VersionId == v2 && older is null)
            {
                older = replicator.ReplicateAsync(Ref(Secret, v1));
                await ledger.LockedRecordRead.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
        };
        Task<ReplicationOutcome> newest = replicator.ReplicateAsync(Ref(Secret, v2));
        _ = newest.ContinueWith(_ => newestDone.SetResult(), TaskScheduler.Default);

        Assert.Equal(ReplicationOutcomeKind.Replicated, (await newest).Kind);
        Assert.NotNull(older);
        ReplicationOutcome olderOutcome = await older!.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ReplicationOutcomeKind.Replicated, olderOutcome.Kind);
        Assert.Equal(["CreateSecret", "PutSecretValue"], _bed.Target.Operations);
        Assert.DoesNotContain(_bed.Logs.Entries, entry => entry.Contains("Took over", StringComparison.Ordinal));
        Assert.Equal((v2, v1), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
    }

    [Fact]
    public async Task A_version_queued_behind_a_slow_one_of_its_secret_is_answered_retry_later_after_the_in_flight_wait()
    {
        _bed.Options.InFlightWait = TimeSpan.FromSeconds(2);
        _bed.Create(Secret, 1);
        _bed.Create(Secret, 2);
        (TaskCompletionSource writing, TaskCompletionSource release) = BlockWrites();
        SecretReplicator replicator = _bed.NewProcess();

        Task<ReplicationOutcome> newest = replicator.ReplicateAsync(Ref(Secret, Id(2)));
        await writing.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Task<ReplicationOutcome> older = replicator.ReplicateAsync(Ref(Secret, Id(1)));
        _bed.Clock.Advance(await _bed.Clock.NextDelayAsync(_bed.Options.InFlightWait));

        ReplicationOutcome answered = await older;
        release.SetResult();
        await newest;

        Assert.Equal((ReplicationOutcomeKind.RetryLater, "other versions of this secret are being written; retry"), (answered.Kind, answered.Reason));
    }

    [Fact]
    public async Task A_delivery_finding_another_instance_writing_its_version_waits_and_answers_already_done_once_that_commits()
    {
        string v1 = _bed.Create(Secret, 1);
        SecretLedgerState empty = SecretLedgerState.Empty(new LedgerKey(Vault, Secret));
        _bed.Ledger.Put(empty with { Lock = new SecretLock("other-instance", _bed.Clock.GetUtcNow() + s_lockDuration, [new LedgerPlannedWrite(v1, Epoch.AddSeconds(1), TargetVersionStage.Current)]) });

        Task<ReplicationOutcome> delivery = _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));
        _bed.Clock.Advance(await _bed.Clock.NextDelayAsync(s_longestPoll));
        TimeSpan poll = await _bed.Clock.NextDelayAsync(s_longestPoll); // polled, found it still locked, and waits again
        Assert.False(delivery.IsCompleted);

        // The other instance writes the version and commits.
        _bed.Target.SeedOwned(Target, Vault, Secret, null, (v1, ValueOf(Secret, 1), [Fakes.InMemorySecretsManager.CurrentStage]));
        _bed.Ledger.Put(empty.WithDone(new LedgerDoneVersion(v1, Epoch.AddSeconds(1), _bed.Clock.GetUtcNow())) with { Current = new LedgerVersion(v1, Epoch.AddSeconds(1)) });
        _bed.Clock.Advance(poll);
        ReplicationOutcome outcome = await delivery.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, outcome.Kind);
        Assert.Equal((0, 0), (_bed.Target.Writes, _bed.Source.Reads));
        Assert.True(_bed.Clock.GetUtcNow() - Epoch.AddHours(1) < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_delivery_finding_another_instance_holding_the_lock_past_the_in_flight_wait_is_answered_retry_later()
    {
        _bed.Options.InFlightWait = TimeSpan.FromSeconds(2);
        string v1 = _bed.Create(Secret, 1);
        DateTimeOffset start = _bed.Clock.GetUtcNow();
        _bed.Ledger.Put(SecretLedgerState.Empty(new LedgerKey(Vault, Secret)) with { Lock = new SecretLock("other-instance", start + s_lockDuration, []) });

        ReplicationOutcome outcome = await _bed.Clock.RunDelaysUntilAsync(_bed.NewProcess().ReplicateAsync(Ref(Secret, v1)), s_longestPoll);

        Assert.Equal((ReplicationOutcomeKind.RetryLater, "another instance is writing this secret; retry"), (outcome.Kind, outcome.Reason));
        TimeSpan waited = _bed.Clock.GetUtcNow() - start;
        Assert.InRange(waited, _bed.Options.InFlightWait, _bed.Options.InFlightWait + s_longestPoll);
        Assert.Equal(0, _bed.Target.Writes);
        Assert.Equal(start + s_lockDuration, _bed.LedgerState(Secret)!.Lock!.Until); // not taken over
    }

    /// <summary>
    /// Found by <c>ChaosRunTests</c>: the commit was refused by a 412 although nobody had taken the lock over (the
    /// chaos run injects them; in production a request retried after its answer was lost gets one), the version was
    /// answered done, and the lock stayed held until it expired, with nothing left to take it over.
    /// </summary>
    [Fact]
    public async Task A_commit_refused_while_the_record_still_shows_this_lock_is_made_again_and_frees_the_lock()
    {
        string v1 = _bed.Create(Secret, 1);
        bool refused = false;
        _bed.Ledger.BeforeWrite = (_, state, _) =>
        {
            if (!refused && state.Lock is null && state.IsDone(v1))
            {
                // The commit: the record's ETag changes under it, nothing else does.
                refused = true;
                _bed.Ledger.Put(_bed.LedgerState(Secret)!);
            }

            return Task.CompletedTask;
        };

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.True(refused);
        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        SecretLedgerState state = _bed.LedgerState(Secret)!;
        Assert.Null(state.Lock);
        Assert.True(state.IsDone(v1));
        Assert.DoesNotContain(_bed.Logs.Entries, entry => entry.Contains("expired before version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_handler_that_died_after_its_write_leaves_a_lock_the_next_delivery_takes_over_once_expired_and_recovers_from_AWS()
    {
        string v1 = _bed.Create(Secret, 1);
        DieAfterWriteOf(v1);
        await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));
        SecretLedgerState left = _bed.LedgerState(Secret)!;
        Assert.Equal(v1, Assert.Single(left.Lock!.Intent).Id);
        Assert.False(left.IsDone(v1));
        Revive();

        _bed.Clock.Advance(s_lockDuration + TimeSpan.FromSeconds(1));
        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal((ReplicationOutcomeKind.Replicated, false), (outcome.Kind, outcome.Superseded));
        Assert.Equal(["DescribeSecret"], _bed.Target.Operations); // what reached AWS is read, not written again
        SecretLedgerState recovered = _bed.LedgerState(Secret)!;
        Assert.True(recovered.IsDone(v1));
        Assert.Null(recovered.Lock);
        Assert.Equal(v1, recovered.Current!.Id);
        Assert.Equal([new ReplicationNotification(Target, v1)], _bed.Notifier.Sent); // the dead handler never told consumers
        Assert.Contains(_bed.Logs.Entries, entry => entry.Contains("Took over the expired lock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_handler_that_died_between_the_newest_version_and_its_own_leaves_AWSCURRENT_on_the_newest()
    {
        string v1 = _bed.Create(Secret, 1);
        string v2 = _bed.Create(Secret, 2);
        DieAfterWriteOf(v2);
        await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));
        Assert.Equal([v2, v1], _bed.LedgerState(Secret)!.Lock!.Intent.Select(write => write.Id));
        Assert.False(_bed.Target.Holds(Target, v1));
        Revive();

        _bed.Clock.Advance(s_lockDuration + TimeSpan.FromSeconds(1));
        ReplicationOutcome older = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));
        ReplicationOutcome newest = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v2));

        Assert.Equal((ReplicationOutcomeKind.Replicated, true), (older.Kind, older.Superseded));
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, newest.Kind);
        Assert.Equal((v2, v1), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        Assert.Equal([v2], _bed.Target.CurrentHistory(Target));

        // One DescribeSecret to recover, which also proves the target ours (the dead handler created it but never
        // recorded so), then version 1 alone.
        Assert.Equal(["DescribeSecret", "PutSecretValue"], _bed.Target.Operations);
        Assert.NotNull(_bed.LedgerState(Secret)!.OwnershipVerifiedOn);
    }

    [Fact]
    public async Task A_handler_that_died_before_its_write_landed_leaves_the_version_to_the_next_delivery()
    {
        string v1 = _bed.Create(Secret, 1);
        _bed.Target.BeforeWrite = (_, _) =>
        {
            Die();
            throw new HttpRequestException("connection reset");
        };
        await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));
        Revive();

        _bed.Clock.Advance(s_lockDuration + TimeSpan.FromSeconds(1));
        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        Assert.Equal(["DescribeSecret", "CreateSecret"], _bed.Target.Operations);
        Assert.Equal(v1, _bed.Target.CurrentOf(Target));
    }

    [Fact]
    public async Task A_lock_taken_over_from_a_dead_handler_of_a_target_deleted_meanwhile_writes_the_newest_version_first()
    {
        string v1 = _bed.Create(Secret, 1);
        string v2 = _bed.Create(Secret, 2);
        await _bed.NewProcess().ReplicateAsync(Ref(Secret, v2));
        _bed.Target.ForceDelete(Target);
        _bed.Target.BeforeWrite = (_, _) =>
        {
            Die();
            throw new HttpRequestException("the process died");
        };
        await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));
        Revive();

        _bed.Clock.Advance(s_lockDuration + TimeSpan.FromSeconds(1));
        ReplicationOutcome older = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal((ReplicationOutcomeKind.Replicated, true), (older.Kind, older.Superseded));
        Assert.Equal((v2, v1), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        Assert.Equal([v2], _bed.Target.CurrentHistory(Target));
    }

    [Fact]
    public async Task A_handler_that_overran_its_lock_leaves_the_record_to_the_handler_that_took_it_over()
    {
        string v1 = _bed.Create(Secret, 1);
        ReplicationOutcome? takenOver = null;
        _bed.Target.AfterWrite = async (_, _) =>
        {
            _bed.Target.AfterWrite = null;
            _bed.Clock.Advance(s_lockDuration + TimeSpan.FromSeconds(1));
            takenOver = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));
        };

        ReplicationOutcome overran = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal(ReplicationOutcomeKind.Replicated, overran.Kind);
        Assert.Equal(ReplicationOutcomeKind.Replicated, takenOver!.Kind);
        Assert.Contains(_bed.Logs.Entries, entry => entry.Contains("expired before version", StringComparison.Ordinal));
        SecretLedgerState state = _bed.LedgerState(Secret)!;
        Assert.True(state.IsDone(v1));
        Assert.Null(state.Lock);
        Assert.Equal(1, _bed.Target.Writes);
    }

    [Fact]
    public async Task A_handler_whose_lock_was_taken_over_between_two_writes_makes_no_further_write()
    {
        string v1 = _bed.Create(Secret, 1);
        string v2 = _bed.Create(Secret, 2);
        ReplicationOutcome? takenOver = null;
        _bed.Target.AfterWrite = async (write, _) =>
        {
            if (write.VersionId == v2 && takenOver is null)
            {
                // The newest version landed, then the handler stalled past its lock, and another took it over.
                _bed.Clock.Advance(s_lockDuration + TimeSpan.FromSeconds(1));
                takenOver = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));
            }
        };

        ReplicationOutcome stalled = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal((ReplicationOutcomeKind.RetryLater, "LockLost"), (stalled.Kind, stalled.ErrorCode));
        Assert.Equal((ReplicationOutcomeKind.Replicated, true), (takenOver!.Kind, takenOver.Superseded));
        Assert.Equal(2, _bed.Target.Writes); // version 2 by the first handler, version 1 by the one that took over
        Assert.Equal((v2, v1), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        SecretLedgerState state = _bed.LedgerState(Secret)!;
        Assert.True(state.IsDone(v1) && state.IsDone(v2));
        Assert.Null(state.Lock);
    }

    [Fact]
    public async Task The_lock_is_renewed_before_a_write_that_would_start_with_less_than_a_third_of_it_left()
    {
        string v1 = _bed.Create(Secret, 1);
        string v2 = _bed.Create(Secret, 2);
        SecretLock? lockDuringOwnWrite = null;
        _bed.Target.BeforeWrite = (write, _) =>
        {
            if (write.VersionId == v2)
            {
                _bed.Clock.Advance(s_lockDuration - (s_lockDuration / 3) + TimeSpan.FromSeconds(1)); // a slow first write
            }
            else
            {
                lockDuringOwnWrite = _bed.LedgerState(Secret)!.Lock;
            }

            return Task.CompletedTask;
        };

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        Assert.Equal(_bed.Clock.GetUtcNow() + s_lockDuration, lockDuringOwnWrite!.Until);
        Assert.Equal(3, _bed.Ledger.Writes); // lock, renewal, commit
    }

    [Fact]
    public async Task A_lock_with_enough_time_left_is_not_renewed()
    {
        string v1 = _bed.Create(Secret, 1);
        _bed.Create(Secret, 2);
        _bed.Target.BeforeWrite = (_, _) =>
        {
            _bed.Clock.Advance(s_lockDuration / 4);
            return Task.CompletedTask;
        };

        await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));

        Assert.Equal(2, _bed.Ledger.Writes); // lock, commit
    }

    [Fact]
    public async Task A_write_that_would_outlive_the_lock_is_cancelled_before_the_lock_expires()
    {
        string v1 = _bed.Create(Secret, 1);
        var writing = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        _bed.Target.BeforeWrite = async (_, token) =>
        {
            writing.TrySetResult(token);
            await Task.Delay(Timeout.Infinite, token);
        };
        DateTimeOffset start = _bed.Clock.GetUtcNow();

        Task<ReplicationOutcome> delivery = _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));
        CancellationToken write = await writing.Task.WaitAsync(TimeSpan.FromSeconds(30));
        DateTimeOffset until = _bed.LedgerState(Secret)!.Lock!.Until;
        _bed.Clock.Advance(until - start - (s_lockDuration / 6) - TimeSpan.FromSeconds(1));
        Assert.False(write.IsCancellationRequested);
        _bed.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(write.IsCancellationRequested);

        ReplicationOutcome outcome = await delivery;

        Assert.Equal((ReplicationOutcomeKind.RetryLater, "replication failed: timed out"), (outcome.Kind, outcome.Reason));
        Assert.True(_bed.Clock.GetUtcNow() < until);
        Assert.Null(_bed.LedgerState(Secret)!.Lock);
    }

    /// <summary>The two-sided block of the target's writes: one signal when a write starts, one to let it go on.</summary>
    /// <summary>
    /// The shared ledger, with a read that sees the lock answered late: the read that finds the record locked
    /// returns only once <see cref="FirstHandlerDone"/> has completed, as a slow response would.
    /// </summary>
    private sealed class StaleReadLedger(IReplicationLedger inner) : IReplicationLedger
    {
        public Task? FirstHandlerDone { get; set; }

        public TaskCompletionSource LockedRecordRead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<LedgerRecord> ReadAsync(LedgerKey key, CancellationToken cancellationToken = default)
        {
            LedgerRecord record = await inner.ReadAsync(key, cancellationToken);
            if (record.State?.Lock is not null && LockedRecordRead.TrySetResult())
            {
                await FirstHandlerDone!.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }

            return record;
        }

        public Task<LedgerRecord?> TryWriteAsync(LedgerKey key, SecretLedgerState state, string? ifMatch, CancellationToken cancellationToken = default) =>
            inner.TryWriteAsync(key, state, ifMatch, cancellationToken);

        public IAsyncEnumerable<LedgerRecord> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);
    }

    private (TaskCompletionSource Writing, TaskCompletionSource Release) BlockWrites()
    {
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _bed.Target.BeforeWrite = async (_, _) =>
        {
            writing.TrySetResult();
            await release.Task;
        };
        return (writing, release);
    }

    /// <summary>The handler's process dies once <paramref name="version"/> reached AWS: nothing it sends afterwards arrives.</summary>
    private void DieAfterWriteOf(string version) =>
        _bed.Target.AfterWrite = (write, _) =>
        {
            if (write.VersionId == version)
            {
                Die();
                throw new HttpRequestException("the process died");
            }

            return Task.CompletedTask;
        };

    private void Die()
    {
        _bed.Ledger.BeforeWrite = (_, _, _) => throw new HttpRequestException("the process died");
        _bed.Target.BeforeWrite = (_, _) => throw new HttpRequestException("the process died");
    }

    private void Revive()
    {
        _bed.Ledger.BeforeWrite = null;
        _bed.Target.BeforeWrite = null;
        _bed.Target.AfterWrite = null;
        _bed.Target.ClearOperations();
        _bed.Notifier.OnNotify = null;
    }
}
