using KvReplicator.Replication;
using KvReplicator.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.Replication;

/// <summary>
/// Issue 14, items 2 and 3, over in-memory stores: events of several vaults go to their own vault's routes (and
/// another vault's are rejected), and one version goes to every target of its vault, each on its own ledger record.
/// </summary>
public sealed class ReplicationFanOutTests
{
    private readonly ReplicationTestBed _bed = new();

    [Fact]
    public async Task Two_vaults_with_a_secret_of_the_same_name_stay_apart_and_a_third_vault_is_rejected()
    {
        var other = new InMemorySecretSource("kv-other");
        string mine = _bed.Create("db", 1);
        string theirs = other.Add("db", ReplicationTestBed.Id(2), "value of the other vault's db", ReplicationTestBed.Epoch.AddSeconds(2)).Version;
        var fanOut = new ReplicationFanOut([Replicator(_bed.Source, "kv/"), Replicator(other, "other/")]);

        ReplicationOutcome first = await fanOut.ReplicateAsync(ReplicationTestBed.Ref("db", mine), options: null);
        ReplicationOutcome second = await fanOut.ReplicateAsync(new SecretVersionRef("kv-other", "db", theirs), options: null);
        ReplicationOutcome stranger = await fanOut.ReplicateAsync(new SecretVersionRef("kv-stranger", "db", ReplicationTestBed.Id(3)), options: null);

        Assert.Equal(ReplicationOutcomeKind.Replicated, first.Kind);
        Assert.Equal(ReplicationOutcomeKind.Replicated, second.Kind);
        Assert.Equal(mine, _bed.Target.CurrentOf("kv/db"));
        Assert.Equal(theirs, _bed.Target.CurrentOf("other/db"));
        Assert.True(_bed.Ledger.StateOf(ReplicationTestBed.Vault, "db")!.IsDone(mine));
        Assert.True(_bed.Ledger.StateOf("kv-other", "db")!.IsDone(theirs));
        Assert.False(_bed.Ledger.StateOf("kv-other", "db")!.IsDone(mine));

        Assert.Equal(ReplicationOutcomeKind.Rejected, stranger.Kind);
        Assert.Equal($"event is from vault 'kv-stranger', this replicator reads '{ReplicationTestBed.Vault}', 'kv-other'", stranger.Reason);
        Assert.Equal(2, _bed.Target.Writes);
    }

    [Fact]
    public async Task A_single_route_rejects_another_vault_as_it_always_did()
    {
        var fanOut = new ReplicationFanOut([Replicator(_bed.Source, "kv/")]);

        ReplicationOutcome stranger = await fanOut.ReplicateAsync(new SecretVersionRef("kv-stranger", "db", ReplicationTestBed.Id(1)), options: null);

        Assert.Equal(ReplicationOutcomeKind.Rejected, stranger.Kind);
        Assert.Equal($"event is from vault 'kv-stranger', this replicator reads '{ReplicationTestBed.Vault}'", stranger.Reason);
        Assert.Null(stranger.Targets);
    }

    [Fact]
    public async Task A_target_that_is_down_gets_the_version_on_a_retry_and_the_other_is_not_written_again()
    {
        var down = new InMemorySecretsManager();
        bool outage = true;
        down.BeforeWrite = (_, _) => outage ? throw new HttpRequestException("connection refused (injected)") : Task.CompletedTask;
        var fanOut = new ReplicationFanOut([Replicator(_bed.Source, "kv/", _bed.Target, "up"), Replicator(_bed.Source, "kv/", down, "down")]);
        string version = _bed.Create("db", 1);

        ReplicationOutcome during = await fanOut.ReplicateAsync(ReplicationTestBed.Ref("db", version), options: null);
        outage = false;
        ReplicationOutcome after = await fanOut.ReplicateAsync(ReplicationTestBed.Ref("db", version), options: null);
        ReplicationOutcome again = await fanOut.ReplicateAsync(ReplicationTestBed.Ref("db", version), options: null);

        Assert.Equal(ReplicationOutcomeKind.RetryLater, during.Kind);
        Assert.StartsWith("target 'down': ", during.Reason, StringComparison.Ordinal);
        Assert.Equal(["up Replicated", "down RetryLater"], during.Targets!.Select(outcome => $"{outcome.TargetId} {outcome.Kind}"));
        Assert.Equal(version, _bed.Target.CurrentOf("kv/db"));

        Assert.Equal(ReplicationOutcomeKind.Replicated, after.Kind);
        Assert.Equal(["up AlreadyDone", "down Replicated"], after.Targets!.Select(outcome => $"{outcome.TargetId} {outcome.Kind}"));
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, again.Kind);
        Assert.Equal(1, _bed.Target.Writes);
        Assert.Equal(version, down.CurrentOf("kv/db"));

        // Each target has its own record; the unnamed target's record name stays unused.
        Assert.Null(_bed.Ledger.StateOf(ReplicationTestBed.Vault, "db"));
        Assert.Contains("targets/up/sample-kv/db", _bed.Ledger.ReadRecords);
        Assert.Contains("targets/down/sample-kv/db", _bed.Ledger.ReadRecords);
    }

    [Theory]
    [InlineData(ReplicationOutcomeKind.Replicated, ReplicationOutcomeKind.RetryLater, ReplicationOutcomeKind.RetryLater)]
    [InlineData(ReplicationOutcomeKind.Rejected, ReplicationOutcomeKind.RetryLater, ReplicationOutcomeKind.RetryLater)]
    [InlineData(ReplicationOutcomeKind.Replicated, ReplicationOutcomeKind.Rejected, ReplicationOutcomeKind.Rejected)]
    [InlineData(ReplicationOutcomeKind.AlreadyDone, ReplicationOutcomeKind.Replicated, ReplicationOutcomeKind.Replicated)]
    [InlineData(ReplicationOutcomeKind.AlreadyDone, ReplicationOutcomeKind.Skipped, ReplicationOutcomeKind.Skipped)]
    [InlineData(ReplicationOutcomeKind.AlreadyDone, ReplicationOutcomeKind.AlreadyDone, ReplicationOutcomeKind.AlreadyDone)]
    public void Several_targets_answer_as_one(ReplicationOutcomeKind first, ReplicationOutcomeKind second, ReplicationOutcomeKind expected)
    {
        SecretVersionRef version = ReplicationTestBed.Ref("db", ReplicationTestBed.Id(1));
        ReplicationOutcome[] outcomes =
        [
            new() { Kind = first, Version = version, TargetId = "a", Reason = first.ToString() },
            new() { Kind = second, Version = version, TargetId = "b", Reason = second.ToString() },
        ];

        ReplicationOutcome combined = ReplicationFanOut.Combine(version, outcomes);

        Assert.Equal(expected, combined.Kind);
        Assert.Null(combined.TargetId);
        Assert.Same(outcomes, combined.Targets);
    }

    private SecretReplicator Replicator(ISecretSource source, string prefix, ISecretTarget? target = null, string? targetId = null) =>
        new(source, target ?? _bed.Target, _bed.Ledger, Options.Create(new ReplicationOptions { TargetPrefix = prefix }), _bed.Logs.CreateLogger<SecretReplicator>(),
            coalescer: null, _bed.Notifier, _bed.Clock, targetId);
}
