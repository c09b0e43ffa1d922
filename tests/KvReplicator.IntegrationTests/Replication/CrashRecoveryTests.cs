using KvReplicator.IntegrationTests.Notifications;
using KvReplicator.IntegrationTests.Reconciliation;
using KvReplicator.Ledger;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Notifications;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// Issue 15, "Must show" 4: a handler killed half-way leaves the secret's lock, with the writes it planned,
/// in the ledger. Event Grid retries after 10 s, 30 s, 1 min, 5 min…: a retry while the lock is still held
/// writes nothing, and the retry a minute after the crash takes the lock over, learns from one DescribeSecret
/// which planned writes reached AWS, records them and replicates the version. Each instance has its own
/// virtual clock, which is what the replicator measures locks with; the Key Vault's clock is virtual too,
/// so that versions get creation dates a minute apart.
/// </summary>
public sealed class CrashRecoveryTests
{
    private static readonly TimeSpan EventGridFirstRetry = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan EventGridRetryAfterAMinute = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_handler_killed_after_aws_took_the_newest_version_ahead_of_its_own_is_recovered_a_minute_later()
    {
        await using Cluster cluster = await Cluster.StartAsync();
        string v1 = await cluster.CreateAsync("first value");
        Assert.Equal(ReplicationOutcomeKind.Replicated, (await cluster.DeliverAsync(cluster.Dying, v1)).Kind);
        string v2 = await cluster.CreateAsync("second value");
        string v3 = await cluster.CreateAsync("third value");

        // v2's handler writes the newest version, v3, first (so v2 never becomes current), then dies.
        cluster.KillAfterNextWrite();
        await cluster.DeliverAsync(cluster.Dying, v2);

        Assert.Equal(v3, (await cluster.Harness.AwsCurrentAsync(Cluster.Secret)).VersionId);
        SecretLock held = (await cluster.RecordAsync()).Lock!;
        Assert.Equal([v3, v2], held.Intent.Select(write => write.Id));
        Assert.False((await cluster.RecordAsync()).IsDone(v3));

        ReplicationOutcome early = await cluster.RedeliverBeforeTheLockExpiresAsync(v2);

        Assert.Equal(ReplicationOutcomeKind.RetryLater, early.Kind);
        Assert.Empty(cluster.SurvivorCalls.Writes);
        SecretLock stillHeld = (await cluster.RecordAsync()).Lock!;
        Assert.Equal((held.Holder, held.Until), (stillHeld.Holder, stillHeld.Until));

        cluster.SurvivorClock.Advance(cluster.Crashed + EventGridRetryAfterAMinute - cluster.SurvivorClock.GetUtcNow());
        ReplicationOutcome recovered = await cluster.DeliverAsync(cluster.Survivor, v2);

        Assert.Equal((ReplicationOutcomeKind.Replicated, true), (recovered.Kind, recovered.Superseded));
        Assert.Equal(["DescribeSecret", "PutSecretValue"], cluster.SurvivorCalls.Operations);

        // The killed handler made v3 current but never told consumers; the handling that took over does.
        Assert.Equal([v3], cluster.SurvivorNotifications.Versions);
        IReadOnlyDictionary<string, IReadOnlyList<string>> stages = await cluster.Harness.AwsStagesAsync(Cluster.Secret);
        Assert.Equal(v3, stages.Single(pair => pair.Value.Contains("AWSCURRENT")).Key);
        Assert.Equal(v2, stages.Single(pair => pair.Value.Contains("AWSPREVIOUS")).Key);
        Assert.Equal(new[] { v1, v2, v3 }.Order(), (await cluster.Harness.AwsVersionsAsync(Cluster.Secret)).Select(version => version.VersionId!).Order());
        SecretLedgerState record = await cluster.RecordAsync();
        Assert.Null(record.Lock);
        Assert.True(record.IsDone(v2) && record.IsDone(v3));
        Assert.Equal((v3, v2), (record.Current?.Id, record.Previous?.Id));

        // v3's own event finds it done: the recovery recorded the write the killed handler made.
        cluster.SurvivorCalls.Clear();
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, (await cluster.DeliverAsync(cluster.Survivor, v3)).Kind);
        Assert.Empty(cluster.SurvivorCalls.Operations);
    }

    [Fact]
    public async Task A_handler_killed_before_its_write_reached_aws_is_replicated_a_minute_later()
    {
        await using Cluster cluster = await Cluster.StartAsync();
        string v1 = await cluster.CreateAsync("first value");
        Assert.Equal(ReplicationOutcomeKind.Replicated, (await cluster.DeliverAsync(cluster.Dying, v1)).Kind);
        string v2 = await cluster.CreateAsync("second value");

        cluster.KillAtNextWrite();
        await cluster.DeliverAsync(cluster.Dying, v2);

        Assert.Equal(v1, (await cluster.Harness.AwsCurrentAsync(Cluster.Secret)).VersionId);
        Assert.Equal([v2], (await cluster.RecordAsync()).Lock!.Intent.Select(write => write.Id));
        Assert.Equal(ReplicationOutcomeKind.RetryLater, (await cluster.RedeliverBeforeTheLockExpiresAsync(v2)).Kind);
        Assert.Empty(cluster.SurvivorCalls.Writes);

        cluster.SurvivorClock.Advance(cluster.Crashed + EventGridRetryAfterAMinute - cluster.SurvivorClock.GetUtcNow());
        ReplicationOutcome recovered = await cluster.DeliverAsync(cluster.Survivor, v2);

        Assert.Equal((ReplicationOutcomeKind.Replicated, false), (recovered.Kind, recovered.Superseded));
        Assert.Equal(["DescribeSecret", "PutSecretValue"], cluster.SurvivorCalls.Operations);
        Assert.Equal([v2], cluster.SurvivorNotifications.Versions);
        IReadOnlyDictionary<string, IReadOnlyList<string>> stages = await cluster.Harness.AwsStagesAsync(Cluster.Secret);
        Assert.Equal(v2, stages.Single(pair => pair.Value.Contains("AWSCURRENT")).Key);
        Assert.Equal(v1, stages.Single(pair => pair.Value.Contains("AWSPREVIOUS")).Key);
        SecretLedgerState record = await cluster.RecordAsync();
        Assert.Null(record.Lock);
        Assert.Equal((v2, v1), (record.Current?.Id, record.Previous?.Id));
    }

    [Fact]
    public async Task A_handler_killed_after_creating_the_aws_secret_is_recorded_as_current_and_consumers_are_told_a_minute_later()
    {
        await using Cluster cluster = await Cluster.StartAsync();
        string v1 = await cluster.CreateAsync("first value");

        cluster.KillAfterNextWrite();
        await cluster.DeliverAsync(cluster.Dying, v1);
        Assert.Equal(v1, (await cluster.Harness.AwsCurrentAsync(Cluster.Secret)).VersionId);

        cluster.SurvivorClock.Advance(cluster.Crashed + EventGridRetryAfterAMinute - cluster.SurvivorClock.GetUtcNow());
        ReplicationOutcome recovered = await cluster.DeliverAsync(cluster.Survivor, v1);

        // The killed handler never told consumers; the version is current, so the handling that completes it does.
        Assert.Equal((ReplicationOutcomeKind.Replicated, false), (recovered.Kind, recovered.Superseded));
        Assert.Equal([v1], cluster.SurvivorNotifications.Versions);
        Assert.Equal(["DescribeSecret"], cluster.SurvivorCalls.Operations);
        SecretLedgerState record = await cluster.RecordAsync();
        Assert.Null(record.Lock);
        Assert.True(record.IsDone(v1));
        Assert.Equal(v1, record.Current?.Id);
    }

    /// <summary>
    /// Two replicator instances over one ledger, vault and moto, each on its own virtual clock: one that is
    /// killed half-way through a handling, and one that receives Event Grid's retries.
    /// </summary>
    private sealed class Cluster : IAsyncDisposable
    {
        public const string Secret = "crashed";

        private readonly FakeTimeProvider _vaultClock;
        private readonly FaultyTarget _dyingTarget;
        private readonly KillableLedger _dyingLedger;
        private readonly FakeTimeProvider _dyingClock;
        private readonly Dictionary<string, DateTimeOffset> _announced = new(StringComparer.Ordinal);

        private Cluster(ReplicationHarness harness, FakeTimeProvider vaultClock, FakeTimeProvider dyingClock, FakeTimeProvider survivorClock, SecretsManagerCallCounter survivorCalls)
        {
            Harness = harness;
            _vaultClock = vaultClock;
            _dyingClock = dyingClock;
            SurvivorClock = survivorClock;
            SurvivorCalls = survivorCalls;
            Dying = harness.Primary;
            _dyingTarget = Dying.Services.GetRequiredService<FaultyTarget>();
            _dyingLedger = Dying.Services.GetRequiredService<KillableLedger>();
            _dyingTarget.OnInjectedFailure = () =>
            {
                Crashed = _dyingClock.GetUtcNow();
                _dyingLedger.Kill();
            };
        }

        public ReplicationHarness Harness { get; }

        public ReplicatorInstance Dying { get; }

        public ReplicatorInstance Survivor { get; private set; } = null!;

        public FakeTimeProvider SurvivorClock { get; }

        /// <summary>Secrets Manager calls of the survivor, counted on the wire.</summary>
        public SecretsManagerCallCounter SurvivorCalls { get; }

        public CountingNotifier SurvivorNotifications { get; private set; } = null!;

        /// <summary>When the killed instance died, on its clock.</summary>
        public DateTimeOffset Crashed { get; private set; }

        public static async Task<Cluster> StartAsync()
        {
            DateTimeOffset start = DateTimeOffset.UtcNow;
            var vaultClock = new FakeTimeProvider(start);
            var dyingClock = new FakeTimeProvider(start);
            var survivorClock = new FakeTimeProvider(start);
            ReplicationHarness harness = await ReplicationHarness.StartAsync(
                services =>
                {
                    services.AddSingleton(provider => new FaultyTarget(provider.GetRequiredService<SecretsManagerTarget>()));
                    services.AddSingleton(provider => new KillableLedger(provider.GetRequiredService<BlobReplicationLedger>()));
                    services.AddSingleton(provider => ActivatorUtilities.CreateInstance<SecretReplicator>(
                        provider, dyingClock, provider.GetRequiredService<FaultyTarget>(), provider.GetRequiredService<KillableLedger>()));
                },
                keyVault: new LocalKeyVaultOptions { TimeProvider = vaultClock });
            var calls = new SecretsManagerCallCounter();
            var cluster = new Cluster(harness, vaultClock, dyingClock, survivorClock, calls);
            cluster.Survivor = harness.StartInstance(services =>
            {
                services.AddHttpClient(SecretsManagerClient.HttpClientName).AddHttpMessageHandler(calls.CreateHandler);
                services.AddSingleton<IReplicationNotifier>(cluster.SurvivorNotifications = new CountingNotifier(NoOpReplicationNotifier.Instance));
                services.AddSingleton(provider => ActivatorUtilities.CreateInstance<SecretReplicator>(provider, survivorClock));
            });
            return cluster;
        }

        /// <summary>A new version, created a minute after the one before.</summary>
        public async Task<string> CreateAsync(string value)
        {
            _vaultClock.Advance(TimeSpan.FromMinutes(1));
            string version = await Harness.SetSecretAsync(Secret, value);
            _announced[version] = _vaultClock.GetUtcNow();
            return version;
        }

        /// <summary>The killed instance dies as its next write to AWS returns: AWS holds the version, the ledger does not know.</summary>
        public void KillAfterNextWrite() => _dyingTarget.FailAfterWrite();

        /// <summary>The killed instance dies as it starts its next write to AWS, which never reaches AWS.</summary>
        public void KillAtNextWrite() => _dyingTarget.FailBeforeWrite();

        public async Task<ReplicationOutcome> DeliverAsync(ReplicatorInstance instance, string version) =>
            Assert.Single((await instance.DeliverAsync(Secret, version, _announced[version])).Events).Outcome;

        /// <summary>
        /// Event Grid's first retry, 10 s after the crash. The survivor may wait for the lock (its clock runs on
        /// while it polls, up to 25 s after the crash: the 30 s lock is never seen expired) or answer at once.
        /// </summary>
        public async Task<ReplicationOutcome> RedeliverBeforeTheLockExpiresAsync(string version)
        {
            SurvivorClock.Advance(Crashed + EventGridFirstRetry - SurvivorClock.GetUtcNow());
            Task<ReplicationOutcome> delivery = DeliverAsync(Survivor, version);
            DateTimeOffset lastMoment = Crashed + TimeSpan.FromSeconds(25);
            for (int step = 0; !delivery.IsCompleted; step++)
            {
                Assert.True(step < 10_000, "the redelivery neither answered nor waited on the virtual clock");
                if (SurvivorClock.GetUtcNow() < lastMoment)
                {
                    SurvivorClock.Advance(TimeSpan.FromMilliseconds(250));
                }

                // Lets the survivor's ledger reads (real I/O) run between two ticks of its clock.
                await Task.WhenAny(delivery, Task.Delay(TimeSpan.FromMilliseconds(10)));
            }

            return await delivery;
        }

        public async Task<SecretLedgerState> RecordAsync() => (await Harness.LedgerRecordAsync(Secret)).State!;

        public ValueTask DisposeAsync() => Harness.DisposeAsync();
    }
}
