using KvReplicator.DeadLettering;
using KvReplicator.Ledger;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using KvReplicator.Status;
using KvReplicator.Tests.DeadLettering;
using KvReplicator.Tests.Replication;
using Microsoft.Extensions.Options;
using static KvReplicator.Tests.Replication.ReplicationTestBed;

namespace KvReplicator.Tests.Status;

/// <summary><c>kvrep status</c>'s verdicts, from the reconciler's dry run over in-memory stores, the ledger and the dead letters.</summary>
public sealed class SecretStatusReaderTests : IDisposable
{
    private readonly ReplicationTestBed _bed = new();
    private readonly string _deadLetters = Directory.CreateTempSubdirectory("kvrep-test-status-").FullName;

    [Fact]
    public async Task A_replicated_secret_is_in_sync_with_the_version_and_time_the_ledger_recorded()
    {
        string v1 = _bed.Create("db", 1);
        await _bed.NewProcess().ReplicateAsync(Ref("db", v1));
        DateTimeOffset replicatedOn = _bed.Clock.GetUtcNow();
        _bed.Clock.Advance(TimeSpan.FromMinutes(5));

        SecretStatus db = Single(await Reader().ReadAsync(), "db");

        Assert.Equal(SecretState.InSync, db.State);
        Assert.Equal(v1, db.ReplicatedVersion);
        Assert.Equal(replicatedOn, db.ReplicatedOn);
        Assert.Equal(db.KeyVaultSha256Prefix, db.AwsSha256Prefix);
        Assert.Equal(8, db.KeyVaultSha256Prefix!.Length);
        Assert.Equal(Prefix + "db", db.TargetName);
    }

    [Fact]
    public async Task A_new_version_not_replicated_yet_is_pending_and_the_last_replicated_one_is_still_shown()
    {
        string v1 = _bed.Create("db", 1);
        await _bed.NewProcess().ReplicateAsync(Ref("db", v1));
        string v2 = _bed.Create("db", 2);

        SecretStatus db = Single(await Reader().ReadAsync(), "db");

        Assert.Equal(SecretState.Pending, db.State);
        Assert.Equal(v2, db.KeyVaultVersion);
        Assert.Equal(v1, db.AwsVersion);
        Assert.Equal(v1, db.ReplicatedVersion);
        Assert.Equal(DriftKind.Stale, db.Drift);
    }

    [Fact]
    public async Task A_pending_secret_whose_event_was_dead_lettered_has_failed_and_says_how_to_replay_it()
    {
        string v1 = _bed.Create("db", 1);
        await File.WriteAllTextAsync(Path.Combine(_deadLetters, "event-1.json"), DeadLetterSamples.EventGridSchema("db", v1));

        StatusReport report = await Reader(new FolderDeadLetterStore(_deadLetters)).ReadAsync();

        SecretStatus db = Single(report, "db");
        Assert.Equal(SecretState.Failed, db.State);
        Assert.Contains("1 event(s) dead-lettered (MaxDeliveryAttemptsExceeded); kvrep replay", db.Detail, StringComparison.Ordinal);
        Assert.Equal(_deadLetters, report.DeadLetters);
    }

    [Fact]
    public async Task A_dead_letter_of_a_version_replicated_since_changes_nothing()
    {
        string v1 = _bed.Create("db", 1);
        await _bed.NewProcess().ReplicateAsync(Ref("db", v1));
        await File.WriteAllTextAsync(Path.Combine(_deadLetters, "event-1.json"), DeadLetterSamples.EventGridSchema("db", v1));

        Assert.Equal(SecretState.InSync, Single(await Reader(new FolderDeadLetterStore(_deadLetters)).ReadAsync(), "db").State);
    }

    [Fact]
    public async Task Excluded_and_foreign_secrets_are_told_apart_from_drift()
    {
        _bed.Options.ExcludedSecretNames.Add("aws-signing-key");
        _bed.Create("aws-signing-key", 1);
        _bed.Create("shared", 2);
        _bed.Target.Seed(Prefix + "shared", new Dictionary<string, string>(), null, ("someone-elses", "theirs", ["AWSCURRENT"]));

        StatusReport report = await Reader().ReadAsync();

        SecretStatus excluded = Single(report, "aws-signing-key");
        Assert.Equal(SecretState.Excluded, excluded.State);
        Assert.Equal("secret is excluded from replication", excluded.Detail);
        Assert.Null(excluded.TargetName);
        Assert.Equal(SecretState.Foreign, Single(report, "shared").State);
        Assert.False(report.Settled);
    }

    [Fact]
    public async Task A_version_id_holding_another_value_has_failed_since_no_sync_repairs_it()
    {
        string v1 = _bed.Create("db", 1);
        _bed.Target.SeedOwned(Prefix + "db", Vault, "db", null, (v1, "not the vault's value", ["AWSCURRENT"]));

        SecretStatus db = Single(await Reader().ReadAsync(), "db");

        Assert.Equal(SecretState.Failed, db.State);
        Assert.Equal(DriftKind.ValueConflict, db.Drift);
        Assert.NotEqual(db.KeyVaultSha256Prefix, db.AwsSha256Prefix);
    }

    [Fact]
    public async Task A_lock_held_or_left_behind_is_said_in_the_detail()
    {
        string v1 = _bed.Create("db", 1);
        await _bed.NewProcess().ReplicateAsync(Ref("db", v1));
        SecretLedgerState state = _bed.LedgerState("db")!;
        _bed.Ledger.Put(state with { Lock = new SecretLock("crashed-host", _bed.Clock.GetUtcNow().AddSeconds(-5), []) });

        SecretStatus db = Single(await Reader().ReadAsync(), "db");

        Assert.Equal(SecretState.InSync, db.State);
        Assert.Contains("a write was interrupted (its lock expired", db.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_secret_is_settled_only_when_all_are_in_sync_or_excluded()
    {
        string v1 = _bed.Create("db", 1);
        await _bed.NewProcess().ReplicateAsync(Ref("db", v1));
        _bed.Options.ExcludedSecretNames.Add("skipped");
        _bed.Create("skipped", 2);

        StatusReport report = await Reader().ReadAsync();

        Assert.True(report.Settled);
        Assert.Equal(1, report.Count(SecretState.InSync));
        Assert.Equal(1, report.Count(SecretState.Excluded));
        Assert.Equal(Vault, report.Vault);
    }

    public void Dispose() => Directory.Delete(_deadLetters, recursive: true);

    private static SecretStatus Single(StatusReport report, string name) => Assert.Single(report.Secrets, secret => secret.Name == name);

    private SecretStatusReader Reader(IDeadLetterStore? deadLetters = null) => new(
        new SecretReconciler(_bed.Source, _bed.Target, Options.Create(_bed.Options), Options.Create(new ReconcileOptions()), _bed.Clock, _bed.Logs.CreateLogger<SecretReconciler>()),
        _bed.Source,
        _bed.Ledger,
        _bed.Clock,
        deadLetters);
}
