using System.Collections.Concurrent;
using System.Diagnostics;
using KvReplicator.Ledger;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using KvReplicator.SecretsManager.Model;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// One strict-order run (issue 15, "Must show" 1). Every Secrets Manager write is held for a random 0.5 to
/// 2.5 s (<see cref="SlowWritesHandler"/>); four secrets get a new version every ~1 s, each event delivered
/// twice at once to any of three replicator instances (one ledger container, one vault, one moto; a pair may
/// land on one instance, which its in-process single flight answers), again after "retry later", while
/// stale redeliveries of older versions keep arriving; a watcher reads the stages every 50 ms
/// (<see cref="StageWatcher"/>). It then checks that neither AWSCURRENT nor AWSPREVIOUS ever moved back, and
/// the state at rest.
/// </summary>
/// <remarks>
/// <see cref="VersionsVariable"/> sets how many versions a run creates (default 200, which CI runs too; see
/// docs/reliability.md). Versions of one secret are created more than a second apart, so Key Vault's
/// creation dates (whole seconds) order them: same-second versions are ordered only by "which is the latest",
/// which AWSPREVIOUS cannot always be told.
/// </remarks>
internal static class StrictOrderRun
{
    /// <summary>Versions created in one run, over all secrets.</summary>
    public const string VersionsVariable = "KVREP_STRICT_ORDER_VERSIONS";

    private const int DefaultVersions = 200;
    private static readonly string[] SecretNames = ["alpha", "bravo", "charlie", "delta"];

    public static async Task RunAsync(ITestOutputHelper output, bool withSync)
    {
        int perSecret = (VersionsToCreate() + SecretNames.Length - 1) / SecretNames.Length;
        SlowWritesHandler[] slow = [new(seed: 1501), new(seed: 1502), new(seed: 1503)];
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(slow[0].AddTo);
        var workload = new Workload(harness, [harness.Primary, harness.StartInstance(slow[1].AddTo), harness.StartInstance(slow[2].AddTo)], seed: 15);
        string[] targets = [.. SecretNames.Select(harness.TargetName)];
        var elapsed = Stopwatch.StartNew();

        StageWatcher watcher = StageWatcher.Start(harness.Aws, targets, TimeSpan.FromMilliseconds(50));
        try
        {
            using var syncStop = new CancellationTokenSource();
            Task sync = withSync ? workload.SyncUntilStoppedAsync(syncStop.Token) : Task.CompletedTask;
            await workload.CreateAndDeliverAsync(SecretNames, perSecret);
            await syncStop.CancelAsync();
            await sync;
        }
        finally
        {
            await watcher.DisposeAsync();
        }

        output.WriteLine(
            $"{workload.Created.Values.Sum(list => list.Count)} versions of {SecretNames.Length} secrets, sync {(withSync ? "on" : "off")}, " +
            $"{elapsed.Elapsed.TotalSeconds:F0} s; deliveries: {workload.DescribeOutcomes()}; writes held: {slow.Sum(handler => handler.Writes)}; " +
            $"watcher: {watcher.Samples} reads, {watcher.Failures} failed, {watcher.Torn} torn; sync: {workload.SyncSummary}");
        Assert.Empty(workload.Failures);

        foreach (string name in SecretNames)
        {
            IReadOnlyList<CreatedVersion> created = workload.Created[name];
            var order = created.Select((version, index) => (version.Id, index)).ToDictionary(pair => pair.Id, pair => pair.index, StringComparer.OrdinalIgnoreCase);
            IReadOnlyList<string> currents = watcher.CurrentSeen(harness.TargetName(name));
            IReadOnlyList<string> previouses = watcher.PreviousSeen(harness.TargetName(name));
            output.WriteLine($"{name}: AWSCURRENT seen on {currents.Count} versions, AWSPREVIOUS on {previouses.Count}");

            Assert.All(currents.Concat(previouses), id => Assert.True(order.ContainsKey(id), $"{name}: AWS staged {id}, which Key Vault never created"));
            List<string> currentBack = BackwardMoves(currents, order);
            List<string> previousBack = BackwardMoves(previouses, order);
            if (currentBack.Count + previousBack.Count > 0)
            {
                // What a failure needs to be explained: the versions by number, and what wrote or moved this secret.
                output.WriteLine($"{name}: versions " + string.Join(", ", created.Select((version, index) => $"#{index}={version.Id[..8]}")));
                foreach (string entry in harness.Logs.Entries.Where(entry => entry.Contains(harness.TargetName(name), StringComparison.Ordinal)
                    && !entry.Contains("AlreadyDone", StringComparison.Ordinal) && !entry.Contains("RetryLater", StringComparison.Ordinal)))
                {
                    output.WriteLine($"{name}: {entry[..Math.Min(entry.Length, 240)]}");
                }
            }

            Assert.True(currentBack.Count == 0, $"{name}: AWSCURRENT moved back {currentBack.Count} times ({string.Join(", ", currentBack)})");
            Assert.True(previousBack.Count == 0, $"{name}: AWSPREVIOUS moved back {previousBack.Count} times ({string.Join(", ", previousBack)})");

            // At rest: the newest version current, the one before it previous, every version there exactly once.
            DescribeSecretResponse described = await harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = harness.TargetName(name) });
            Assert.Equal(created[^1].Id, described.VersionIdsToStages!.Single(pair => pair.Value.Contains("AWSCURRENT")).Key);
            Assert.Equal(created[^2].Id, described.VersionIdsToStages!.Single(pair => pair.Value.Contains("AWSPREVIOUS")).Key);
            string[] inAws = [.. (await harness.AwsVersionsAsync(name)).Select(version => version.VersionId!)];
            Assert.Equal(created.Select(version => version.Id).Order(StringComparer.OrdinalIgnoreCase), inAws.Order(StringComparer.OrdinalIgnoreCase));

            LedgerRecord record = await harness.LedgerRecordAsync(name);
            Assert.Null(record.State!.Lock);
            Assert.Equal(created[^1].Id, record.State.Current?.Id);
        }

        ReconcileReport verified = await harness.Services.GetRequiredService<SecretReconciler>().ReconcileAsync(new ReconcileRequest { DryRun = true });
        Assert.True(verified.DriftFound == 0, string.Join("; ", verified.Items.Where(item => item.DriftFound).Select(item => $"{item.SourceName}: {item.Kind} {item.Detail}")));
        harness.Logs.AssertContainsNone(workload.Values);
    }

    /// <summary>Each step from a version to an older one, as "older ← newer".</summary>
    private static List<string> BackwardMoves(IReadOnlyList<string> seen, Dictionary<string, int> order) =>
        [.. seen.Zip(seen.Skip(1)).Where(step => order[step.Second] < order[step.First]).Select(step => $"#{order[step.Second]} ← #{order[step.First]}")];

    /// <summary>
    /// At most 75 versions a secret: from 80 recent versions on, the coalescer (on by default) leaves
    /// superseded versions out of AWS, and "every version is in AWS" would no longer be the check to make.
    /// </summary>
    private static int VersionsToCreate()
    {
        string? setting = Environment.GetEnvironmentVariable(VersionsVariable);
        if (string.IsNullOrEmpty(setting))
        {
            return DefaultVersions;
        }

        int maximum = 75 * SecretNames.Length;
        return int.TryParse(setting, out int versions) && versions >= 2 * SecretNames.Length && versions <= maximum
            ? versions
            : throw new InvalidOperationException($"{VersionsVariable} must be a number of versions from {2 * SecretNames.Length} to {maximum}, not '{setting}'.");
    }

    private sealed record CreatedVersion(string Id, DateTimeOffset AnnouncedOn);

    /// <summary>
    /// Creates the versions and delivers them the way Event Grid does: at least once (each event twice, at
    /// once), to any instance, again after "retry later" (sooner than Event Grid's 10 s, to keep the run short),
    /// while stale redeliveries of older versions arrive in between.
    /// </summary>
    private sealed class Workload(ReplicationHarness harness, ReplicatorInstance[] instances, int seed)
    {
        private const int MaxDeliveries = 200;
        private static readonly TimeSpan CreationInterval = TimeSpan.FromSeconds(1);

        private readonly Random _random = new(seed);
        private readonly ConcurrentDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _values = new();
        private int _syncRuns;
        private int _syncApplied;
        private int _syncFailed;

        public ConcurrentDictionary<string, List<CreatedVersion>> Created { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<string> Failures { get; } = new();

        public IEnumerable<string> Values => _values;

        public string SyncSummary => $"{_syncRuns} runs, {_syncApplied} secrets converged, {_syncFailed} left to the next run";

        public string DescribeOutcomes() => string.Join(", ", _outcomes.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} {pair.Value}"));

        public async Task CreateAndDeliverAsync(IReadOnlyList<string> names, int perSecret)
        {
            foreach (string name in names)
            {
                Created[name] = [];
            }

            var deliveries = new List<Task>();
            using var staleStop = new CancellationTokenSource();
            Task stale = RedeliverStaleAsync(names, staleStop.Token);
            for (int round = 0; round < perSecret; round++)
            {
                CreatedVersion[] versions = await Task.WhenAll(names.Select(name => CreateAsync(name, round)));
                for (int i = 0; i < names.Count; i++)
                {
                    deliveries.Add(DeliverUntilAcknowledgedAsync(names[i], versions[i], "event"));
                    deliveries.Add(DeliverUntilAcknowledgedAsync(names[i], versions[i], "duplicate"));
                }

                await Task.Delay(CreationInterval);
            }

            await Task.WhenAll(deliveries);
            await staleStop.CancelAsync();
            await stale;
        }

        public async Task SyncUntilStoppedAsync(CancellationToken stop)
        {
            for (int run = 0; !stop.IsCancellationRequested; run++)
            {
                try
                {
                    ReconcileReport report = await instances[run % instances.Length].Services.GetRequiredService<SecretReconciler>()
                        .ReconcileAsync(new ReconcileRequest(), cancellationToken: CancellationToken.None);
                    Interlocked.Increment(ref _syncRuns);
                    Interlocked.Add(ref _syncApplied, report.Items.Count(item => item.Status == ReconcileItemStatus.Applied));
                    Interlocked.Add(ref _syncFailed, report.Items.Count(item => item.Status == ReconcileItemStatus.Failed));
                }
                catch (SecretStoreException exception)
                {
                    Failures.Enqueue($"sync failed: {exception.Message}");
                }

                // A scheduled sync runs every few minutes; back to back would only flood the listings.
                await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
            }
        }

        private async Task<CreatedVersion> CreateAsync(string name, int round)
        {
            string value = $"{name} value {round} {Guid.NewGuid():N}";
            _values.Enqueue(value);
            string id = await harness.SetSecretAsync(name, value);
            var version = new CreatedVersion(id, DateTimeOffset.UtcNow);
            lock (Created[name])
            {
                Created[name].Add(version);
            }

            return version;
        }

        private async Task DeliverUntilAcknowledgedAsync(string name, CreatedVersion version, string kind)
        {
            for (int attempt = 0; attempt < MaxDeliveries; attempt++)
            {
                DeliveryResult result = await DeliverOnceAsync(name, version, kind);
                switch (result.Disposition)
                {
                    case DeliveryDisposition.Completed:
                        return;
                    case DeliveryDisposition.Rejected:
                        Failures.Enqueue($"{name} {version.Id} ({kind}) rejected: {result.Summary}");
                        return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Next(250, 750)));
            }

            Failures.Enqueue($"{name} {version.Id} ({kind}) still not acknowledged after {MaxDeliveries} deliveries");
        }

        private async Task RedeliverStaleAsync(IReadOnlyList<string> names, CancellationToken stop)
        {
            var inFlight = new List<Task>();
            while (!stop.IsCancellationRequested)
            {
                string name = names[Next(0, names.Count)];
                CreatedVersion? older = null;
                lock (Created[name])
                {
                    if (Created[name].Count >= 2)
                    {
                        older = Created[name][Next(0, Created[name].Count - 1)];
                    }
                }

                if (older is not null)
                {
                    inFlight.Add(DeliverOnceAsync(name, older, "stale"));
                    inFlight.RemoveAll(task => task.IsCompleted);
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Next(50, 200)), stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            await Task.WhenAll(inFlight);
        }

        private async Task<DeliveryResult> DeliverOnceAsync(string name, CreatedVersion version, string kind)
        {
            DeliveryResult result = await instances[Next(0, instances.Length)].DeliverAsync(name, version.Id, version.AnnouncedOn);
            ReplicationOutcome outcome = Assert.Single(result.Events).Outcome;
            _outcomes.AddOrUpdate($"{kind}:{outcome.Kind}", 1, (_, count) => count + 1);
            if (outcome.Kind is ReplicationOutcomeKind.Rejected or ReplicationOutcomeKind.Skipped)
            {
                Failures.Enqueue($"{name} {version.Id} ({kind}): {outcome.Kind} {outcome.Reason}");
            }

            return result;
        }

        private int Next(int minimum, int maximum)
        {
            lock (_random)
            {
                return _random.Next(minimum, maximum);
            }
        }
    }
}
