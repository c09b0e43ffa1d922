using KvReplicator.Ledger;
using KvReplicator.Replication;
using static KvReplicator.Tests.Replication.ReplicationTestBed;

namespace KvReplicator.Tests.Replication;

/// <summary>
/// Which version holds AWSCURRENT and AWSPREVIOUS, whatever order the versions arrive in, and what each
/// delivery pattern costs on the wire. AWS's stages move as Secrets Manager moves them (see
/// <see cref="Fakes.InMemorySecretsManager"/>); version numbers are their creation order.
/// </summary>
public sealed class SecretReplicatorOrderTests
{
    private const string Secret = "db-password";
    private const string Target = Prefix + Secret;

    private readonly ReplicationTestBed _bed = new();

    [Fact]
    public async Task Versions_delivered_as_they_are_created_cost_one_read_one_AWS_call_and_three_ledger_calls_each()
    {
        for (int n = 1; n <= 3; n++)
        {
            _bed.Create(Secret, n);
            ReplicationOutcome outcome = await DeliverAsync(_bed.NewProcess(), n);
            Assert.Equal((ReplicationOutcomeKind.Replicated, false), (outcome.Kind, outcome.Superseded));
        }

        Assert.Equal(["CreateSecret", "PutSecretValue", "PutSecretValue"], _bed.Target.Operations);
        Assert.Equal(3, _bed.Source.Reads);
        Assert.Equal(9, _bed.Ledger.Calls);
        Assert.Equal([Id(1), Id(2), Id(3)], _bed.Target.CurrentHistory(Target));
        Assert.Equal(Id(2), _bed.Target.PreviousOf(Target));
        Assert.Equal(3, _bed.Notifier.Sent.Count);
    }

    [Fact]
    public async Task Versions_created_first_and_delivered_in_creation_order_write_each_version_once_and_the_newest_first()
    {
        for (int n = 1; n <= 3; n++)
        {
            _bed.Create(Secret, n);
        }

        var outcomes = new List<ReplicationOutcome>();
        for (int n = 1; n <= 3; n++)
        {
            outcomes.Add(await DeliverAsync(_bed.NewProcess(), n));
        }

        Assert.Equal(
            [(ReplicationOutcomeKind.Replicated, true), (ReplicationOutcomeKind.Replicated, true), (ReplicationOutcomeKind.AlreadyDone, false)],
            outcomes.Select(outcome => (outcome.Kind, outcome.Superseded)));
        Assert.Equal(["CreateSecret", "PutSecretValue", "PutSecretValue"], _bed.Target.Operations);
        Assert.Equal([Id(3)], _bed.Target.CurrentHistory(Target));
        Assert.Equal([Id(1), Id(2)], _bed.Target.PreviousHistory(Target));

        // The first event reads the latest and its own version; the second, announced before the current
        // version was created, only its own; the third is done.
        Assert.Equal(3, _bed.Source.Reads);
    }

    [Fact]
    public async Task Versions_delivered_newest_first_cost_one_AWS_call_each_and_leave_AWSPREVIOUS_on_the_one_before_the_newest()
    {
        for (int n = 1; n <= 3; n++)
        {
            _bed.Create(Secret, n);
        }

        for (int n = 3; n >= 1; n--)
        {
            await DeliverAsync(_bed.NewProcess(), n);
        }

        Assert.Equal(["CreateSecret", "PutSecretValue", "PutSecretValue"], _bed.Target.Operations);
        Assert.Equal((Id(3), Id(2)), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        Assert.Equal(["kvrep-superseded"], _bed.Target.StagesOf(Target, Id(1)));
        Assert.Equal([Id(3)], _bed.Target.CurrentHistory(Target));
        Assert.Equal([Id(2)], _bed.Target.PreviousHistory(Target));
        Assert.Equal(3, _bed.Source.Reads);
    }

    [Fact]
    public async Task An_older_version_arriving_first_on_an_empty_target_is_preceded_by_the_newest_which_its_own_event_then_finds_done()
    {
        string v1 = _bed.Create(Secret, 1);
        string v2 = _bed.Create(Secret, 2);
        SecretReplicator replicator = _bed.NewProcess();

        ReplicationOutcome older = await replicator.ReplicateAsync(Ref(Secret, v1));

        Assert.Equal((ReplicationOutcomeKind.Replicated, true, true), (older.Kind, older.Superseded, older.CreatedTarget));
        Assert.Equal([v2], _bed.Target.CurrentHistory(Target)); // the older version was never current, not even for a moment
        Assert.Equal(v1, _bed.Target.PreviousOf(Target));
        Assert.True(_bed.LedgerState(Secret)!.IsDone(v2));
        (int writes, int reads) = (_bed.Target.Writes, _bed.Source.Reads);

        ReplicationOutcome newest = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v2));

        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, newest.Kind);
        Assert.Equal((writes, reads), (_bed.Target.Writes, _bed.Source.Reads));
    }

    [Theory]
    [MemberData(nameof(OrdersOfFourVersions))]
    public async Task Whatever_the_order_of_delivery_AWSCURRENT_ends_on_the_newest_and_AWSPREVIOUS_on_the_one_before_and_neither_moves_back(int[] order)
    {
        for (int n = 1; n <= 4; n++)
        {
            _bed.Create(Secret, n);
        }

        foreach (int n in order)
        {
            ReplicationOutcome outcome = await DeliverAsync(_bed.NewProcess(), n);
            Assert.True(outcome.Kind is ReplicationOutcomeKind.Replicated or ReplicationOutcomeKind.AlreadyDone, $"{n}: {outcome.Kind} {outcome.Reason}");
        }

        Assert.Equal((Id(4), Id(3)), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        _bed.AssertStagesNeverMovedBack(Target);
        Assert.Equal(4, _bed.Target.Operations.Count); // every version written once, nothing else
        Assert.All(Enumerable.Range(1, 4), n => Assert.True(_bed.LedgerState(Secret)!.IsDone(Id(n))));
    }

    public static TheoryData<int[]> OrdersOfFourVersions()
    {
        var orders = new TheoryData<int[]>();
        foreach (int[] order in Permutations([1, 2, 3, 4]))
        {
            orders.Add(order);
        }

        return orders;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Versions_created_while_stale_duplicates_arrive_in_any_order_never_move_a_stage_back(int seed)
    {
        var random = new Random(seed);
        var created = new List<int>();
        var pending = new List<int>();
        for (int n = 1; n <= 12; n++)
        {
            _bed.Create(Secret, n);
            created.Add(n);
            pending.Add(n);

            // Deliver some of what is pending, oldest and newest mixed, with stale duplicates of anything created.
            for (int k = random.Next(0, 3); k > 0 && pending.Count > 0; k--)
            {
                int next = pending[random.Next(pending.Count)];
                pending.Remove(next);
                await DeliverAsync(_bed.NewProcess(), next);
            }

            await DeliverAsync(_bed.NewProcess(), created[random.Next(created.Count)]);
            _bed.AssertStagesNeverMovedBack(Target);
        }

        foreach (int n in pending.OrderBy(_ => random.Next()))
        {
            await DeliverAsync(_bed.NewProcess(), n);
        }

        Assert.Equal((Id(12), Id(11)), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        _bed.AssertStagesNeverMovedBack(Target);
        Assert.Equal(12, _bed.Target.Count("CreateSecret") + _bed.Target.Count("PutSecretValue"));
    }

    [Fact]
    public async Task A_target_deleted_behind_the_replicators_back_is_created_again_with_the_newest_version_first()
    {
        string v1 = _bed.Create(Secret, 1);
        string v2 = _bed.Create(Secret, 2);
        SecretReplicator replicator = _bed.NewProcess();
        await replicator.ReplicateAsync(Ref(Secret, v2));
        _bed.Target.ForceDelete(Target);
        _bed.Target.ClearOperations();

        ReplicationOutcome older = await replicator.ReplicateAsync(Ref(Secret, v1));

        Assert.Equal((ReplicationOutcomeKind.Replicated, true, true), (older.Kind, older.Superseded, older.CreatedTarget));
        Assert.Equal((v2, v1), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        Assert.Equal([v2], _bed.Target.CurrentHistory(Target));
        Assert.Equal(["PutSecretValue", "CreateSecret", "PutSecretValue"], _bed.Target.Operations);
    }

    [Fact]
    public async Task A_new_version_for_a_target_deleted_behind_the_replicators_back_creates_it_again()
    {
        string v1 = _bed.Create(Secret, 1);
        SecretReplicator replicator = _bed.NewProcess();
        await replicator.ReplicateAsync(Ref(Secret, v1));
        _bed.Target.ForceDelete(Target);
        _bed.Target.ClearOperations();
        string v2 = _bed.Create(Secret, 2);

        ReplicationOutcome outcome = await replicator.ReplicateAsync(Ref(Secret, v2));

        Assert.Equal((ReplicationOutcomeKind.Replicated, true), (outcome.Kind, outcome.CreatedTarget));
        Assert.Equal(v2, _bed.Target.CurrentOf(Target));
        Assert.Equal(["PutSecretValue", "DescribeSecret", "CreateSecret"], _bed.Target.Operations);
    }

    [Fact]
    public async Task Of_two_versions_of_the_same_second_the_later_one_becomes_current_whichever_arrives_first()
    {
        DateTimeOffset second = Epoch.AddSeconds(10);
        string v1 = _bed.Create(Secret, 1, created: second);
        string v2 = _bed.Create(Secret, 2, created: second);

        await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));
        await _bed.NewProcess().ReplicateAsync(Ref(Secret, v2));

        Assert.Equal((v2, v1), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        Assert.Equal([v2], _bed.Target.CurrentHistory(Target));
    }

    [Fact]
    public async Task A_version_of_the_same_second_as_the_current_one_is_ordered_by_a_second_read_of_the_latest()
    {
        DateTimeOffset second = Epoch.AddSeconds(10);
        string v1 = _bed.Create(Secret, 1, created: second);
        await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));
        string v2 = _bed.Create(Secret, 2, created: second);
        int latestReads = _bed.Source.LatestReads;

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v2));

        Assert.Equal((ReplicationOutcomeKind.Replicated, false), (outcome.Kind, outcome.Superseded));
        Assert.Equal([v1, v2], _bed.Target.CurrentHistory(Target));
        Assert.Equal(latestReads + 2, _bed.Source.LatestReads);
    }

    [Fact]
    public async Task An_older_version_of_the_same_second_as_the_current_one_is_stored_as_AWSPREVIOUS()
    {
        DateTimeOffset second = Epoch.AddSeconds(10);
        string v1 = _bed.Create(Secret, 1, created: second);
        string v2 = _bed.Create(Secret, 2, created: second);
        await _bed.NewProcess().ReplicateAsync(Ref(Secret, v2));

        ReplicationOutcome outcome = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1), new ReplicationRequestOptions { AnnouncedOn = second });

        Assert.Equal((ReplicationOutcomeKind.Replicated, true), (outcome.Kind, outcome.Superseded));
        Assert.Equal((v2, v1), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        Assert.Equal([v2], _bed.Target.CurrentHistory(Target));
    }

    [Fact]
    public async Task Reconcile_rewrites_a_done_version_and_moves_AWSCURRENT_back_to_it()
    {
        string v1 = _bed.Create(Secret, 1);
        string v2 = _bed.Create(Secret, 2);
        SecretReplicator replicator = _bed.NewProcess();
        await replicator.ReplicateAsync(Ref(Secret, v1));
        await replicator.ReplicateAsync(Ref(Secret, v2));
        Assert.True(await _bed.Target.PromoteAsync(Target, v1, v2)); // someone moved AWSCURRENT back behind our back
        _bed.Target.ClearOperations();

        ReplicationOutcome replicated = await replicator.ReplicateAsync(Ref(Secret, v2));
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, replicated.Kind);

        ReplicationOutcome reconciled = await replicator.ReplicateAsync(Ref(Secret, v2), new ReplicationRequestOptions { Reconcile = true });

        Assert.Equal((ReplicationOutcomeKind.Replicated, false), (reconciled.Kind, reconciled.Superseded));
        Assert.Equal((v2, v1), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        Assert.Equal(["DescribeSecret", "UpdateSecretVersionStage"], _bed.Target.Operations); // sync looks at AWS, then moves the stage
        Assert.Null(_bed.LedgerState(Secret)!.Lock);
    }

    [Fact]
    public async Task After_reconcile_moved_AWSCURRENT_back_to_the_current_version_a_late_older_version_still_becomes_AWSPREVIOUS()
    {
        string v1 = _bed.Create(Secret, 1);
        string v2 = _bed.Create(Secret, 2);
        string v3 = _bed.Create(Secret, 3);
        SecretReplicator replicator = _bed.NewProcess();
        await replicator.ReplicateAsync(Ref(Secret, v3));
        await replicator.ReplicateAsync(Ref(Secret, v1));
        Assert.True(await _bed.Target.PromoteAsync(Target, v1, v3)); // someone moved AWSCURRENT back behind our back
        await replicator.ReplicateAsync(Ref(Secret, v3), new ReplicationRequestOptions { Reconcile = true });
        Assert.Equal((v3, v1), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));

        await replicator.ReplicateAsync(Ref(Secret, v2));

        Assert.Equal((v3, v2), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        Assert.Equal((v3, v2), (_bed.LedgerState(Secret)!.Current!.Id, _bed.LedgerState(Secret)!.Previous!.Id));
    }

    [Fact]
    public async Task Reconcile_of_an_overtaken_version_writes_the_newest_ahead_and_never_makes_the_older_one_current()
    {
        string v1 = _bed.Create(Secret, 1);
        await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1));
        string v2 = _bed.Create(Secret, 2);

        // A sync that listed the vault before version 2 was created.
        ReplicationOutcome reconciled = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v1), new ReplicationRequestOptions { Reconcile = true });

        Assert.Equal(ReplicationOutcomeKind.Replicated, reconciled.Kind);
        Assert.Equal((v2, v1), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        _bed.AssertStagesNeverMovedBack(Target);
    }

    /// <summary>
    /// Found by <c>StrictOrderWithSyncTests</c>: a sync's handling read the latest version, lost the race for the
    /// lock to a handler that made a newer version current, and planned again with its first read. Reconcile
    /// trusts Key Vault's latest over the ledger, so that read must be made after the record it plans against.
    /// </summary>
    [Fact]
    public async Task Reconcile_that_lost_the_lock_race_to_a_newer_version_plans_again_with_a_fresh_read_of_the_latest()
    {
        string v1 = _bed.Create(Secret, 1);
        string v2 = _bed.Create(Secret, 2);
        SecretReplicator events = _bed.NewProcess();
        await events.ReplicateAsync(Ref(Secret, v1));
        await events.ReplicateAsync(Ref(Secret, v2));
        string? v3 = null;
        bool raced = false;
        _bed.Ledger.BeforeWrite = async (_, state, cancellationToken) =>
        {
            if (raced || state.Lock is null)
            {
                return;
            }

            // The sync's lock write: version 3 is created and replicated by another instance first.
            raced = true;
            v3 = _bed.Create(Secret, 3);
            Assert.Equal(ReplicationOutcomeKind.Replicated, (await events.ReplicateAsync(Ref(Secret, v3), cancellationToken)).Kind);
        };

        ReplicationOutcome reconciled = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v2), new ReplicationRequestOptions { Reconcile = true });

        Assert.True(raced);
        Assert.Equal(ReplicationOutcomeKind.Replicated, reconciled.Kind);
        Assert.Equal((v3, v2), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        Assert.Equal((v3, v2), (_bed.LedgerState(Secret)!.Current!.Id, _bed.LedgerState(Secret)!.Previous!.Id));
        _bed.AssertStagesNeverMovedBack(Target);
    }

    /// <summary>
    /// Found by <c>StrictOrderWithSyncTests</c>: a sync listed the vault when version 2 was the newest; by the time
    /// it converged the secret, version 4 was current (written ahead of 3) and version 5 was created. Writing 5
    /// moves AWSPREVIOUS to 4, so version 2 is superseded, not made AWSPREVIOUS over 4.
    /// </summary>
    [Fact]
    public async Task Reconcile_of_an_old_version_after_a_write_ahead_never_moves_AWSPREVIOUS_back()
    {
        string v1 = _bed.Create(Secret, 1);
        SecretReplicator events = _bed.NewProcess();
        await events.ReplicateAsync(Ref(Secret, v1));
        string v2 = _bed.Create(Secret, 2);
        _bed.Create(Secret, 3);
        string v4 = _bed.Create(Secret, 4);
        await events.ReplicateAsync(Ref(Secret, v4));
        string v5 = _bed.Create(Secret, 5);

        ReplicationOutcome reconciled = await _bed.NewProcess().ReplicateAsync(Ref(Secret, v2), new ReplicationRequestOptions { Reconcile = true });

        Assert.Equal((ReplicationOutcomeKind.Replicated, true), (reconciled.Kind, reconciled.Superseded));
        Assert.Equal((v5, v4), (_bed.Target.CurrentOf(Target), _bed.Target.PreviousOf(Target)));
        Assert.Equal((v5, v4), (_bed.LedgerState(Secret)!.Current!.Id, _bed.LedgerState(Secret)!.Previous!.Id));
        _bed.AssertStagesNeverMovedBack(Target);
    }

    [Fact]
    public async Task A_newest_version_written_ahead_is_notified_even_when_the_older_versions_own_write_then_fails()
    {
        string v1 = _bed.Create(Secret, 1);
        SecretReplicator replicator = _bed.NewProcess();
        await replicator.ReplicateAsync(Ref(Secret, v1));
        int notifiedBefore = _bed.Notifier.Sent.Count;
        string v2 = _bed.Create(Secret, 2);
        string v3 = _bed.Create(Secret, 3);
        _bed.Target.BeforeWrite = (write, _) => write.VersionId == v2
            ? throw new SecretStoreException("Secrets Manager PutSecretValue failed: ServiceUnavailable (HTTP 503).", isTransient: true)
            : Task.CompletedTask;

        ReplicationOutcome older = await replicator.ReplicateAsync(Ref(Secret, v2));
        _bed.Target.BeforeWrite = null;
        ReplicationOutcome newest = await replicator.ReplicateAsync(Ref(Secret, v3));

        Assert.Equal((ReplicationOutcomeKind.RetryLater, ReplicationOutcomeKind.AlreadyDone), (older.Kind, newest.Kind));
        Assert.Equal(v3, _bed.Target.CurrentOf(Target));
        Assert.Equal([new ReplicationNotification(Target, v3)], _bed.Notifier.Sent.Skip(notifiedBefore));
    }

    private Task<ReplicationOutcome> DeliverAsync(SecretReplicator replicator, int number) =>
        replicator.ReplicateAsync(Ref(Secret, Id(number)), new ReplicationRequestOptions { AnnouncedOn = Epoch.AddSeconds(number) });

    private static IEnumerable<int[]> Permutations(int[] items) =>
        items.Length <= 1
            ? [items]
            : items.SelectMany(first => Permutations([.. items.Where(item => item != first)]).Select(rest => (int[])[first, .. rest]));
}
