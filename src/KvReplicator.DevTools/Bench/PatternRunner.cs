using System.Diagnostics;
using System.Globalization;
using KvReplicator.Throttling;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// One delivery pattern on a fresh replicator: creates the pattern's versions in the local Key Vault, starts
/// the replicator (before the first delivery, or after every version exists), delivers in the pattern's order
/// and measures every call of the phase, in and outside deliveries, per version delivered.
/// </summary>
internal sealed class PatternRunner(BenchOptions options, BenchWorkload workload, RemoteCallCounter counter, TextWriter progress)
{
    /// <summary>Every version the pattern created, in creation order (the last of a secret is its newest).</summary>
    public List<PlannedDelivery> Written { get; } = [];

    /// <param name="startReplicator">Starts a fresh replicator (a container or a process) that the pattern delivers to and disposes.</param>
    /// <param name="suffix">Appended to the phase names, e.g. " [old] #2".</param>
    public async Task<IReadOnlyList<PhaseReport>> RunAsync(
        BenchPattern pattern, Func<CancellationToken, Task<IBenchDelivery>> startReplicator, string suffix, double peakWorkingSetMegabytes, CancellationToken cancellationToken = default)
    {
        string name = BenchPatterns.Names[pattern] + suffix;
        int concurrency = options.Concurrency;
        switch (pattern)
        {
            case BenchPattern.AsCreated:
            case BenchPattern.Triplicate:
            {
                await using IBenchDelivery replicator = await startReplicator(cancellationToken).ConfigureAwait(false);
                var rounds = new List<PhaseMeasurement>();
                for (int version = 1; version <= options.Versions; version++)
                {
                    IReadOnlyList<PlannedDelivery> created = await CreateAsync(version, cancellationToken).ConfigureAwait(false);
                    IReadOnlyList<PlannedDelivery> round = pattern == BenchPattern.Triplicate ? [.. created.SelectMany(d => (PlannedDelivery[])[d, d, d])] : created;
                    rounds.Add(await DeliverAsync(replicator, name, round, concurrency, cancellationToken).ConfigureAwait(false));
                }

                string description = pattern == BenchPattern.Triplicate
                    ? $"each event delivered three times at once (same event id), version k of every secret created, then delivered, then k+1; {Fresh(replicator)}"
                    : $"version k of every secret created, then delivered (each event names the latest version), then k+1; {Fresh(replicator)}";
                return [PhaseMeasurement.Combine(rounds).ToReport(name, description, peakWorkingSetMegabytes, profile: null)];
            }

            case BenchPattern.CreatedFirst:
            case BenchPattern.NewestFirst:
            case BenchPattern.Shuffled:
            {
                var byVersion = new List<IReadOnlyList<PlannedDelivery>>();
                for (int version = 1; version <= options.Versions; version++)
                {
                    byVersion.Add(await CreateAsync(version, cancellationToken).ConfigureAwait(false));
                }

                IReadOnlyList<PlannedDelivery> order = pattern switch
                {
                    BenchPattern.CreatedFirst => [.. byVersion.SelectMany(round => round)],
                    BenchPattern.NewestFirst => [.. Enumerable.Reverse(byVersion).SelectMany(round => round)],
                    _ => workload.Shuffle(byVersion.SelectMany(round => round)),
                };
                await using IBenchDelivery replicator = await startReplicator(cancellationToken).ConfigureAwait(false);
                string how = pattern switch
                {
                    BenchPattern.CreatedFirst => "in creation order",
                    BenchPattern.NewestFirst => "newest first",
                    _ => $"shuffled (seed {options.Seed})",
                };
                PhaseMeasurement measured = await DeliverAsync(replicator, name, order, concurrency, cancellationToken).ConfigureAwait(false);
                return [measured.ToReport(name, $"all {options.Versions} versions of every secret created first, then delivered {how}; {Fresh(replicator)}", peakWorkingSetMegabytes, profile: null)];
            }

            case BenchPattern.Latency:
                return await RunLatencyAsync(startReplicator, suffix, peakWorkingSetMegabytes, cancellationToken).ConfigureAwait(false);

            case BenchPattern.ColdStart:
            {
                IReadOnlyList<PlannedDelivery> created = await CreateAsync(1, cancellationToken, secrets: 1).ConfigureAwait(false);
                await using IBenchDelivery replicator = await startReplicator(cancellationToken).ConfigureAwait(false);
                PhaseMeasurement measured = await DeliverAsync(replicator, name, created, 1, cancellationToken).ConfigureAwait(false);
                ColdStartReport? coldStart = replicator is ProcessDelivery process
                    ? new ColdStartReport(Math.Round(process.ReadyAfter.TotalMilliseconds, 1), Math.Round(Stopwatch.GetElapsedTime(process.StartedTimestamp).TotalMilliseconds, 1))
                    : null;
                return [(measured with { ColdStart = coldStart }).ToReport(
                    name, "one version created, then a fresh process started; the version is delivered as soon as /readyz answers 200", peakWorkingSetMegabytes, profile: null)];
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(pattern), pattern, "the three-phase run is BenchRunner's");
        }
    }

    /// <summary>Round 1 warms a fresh replicator up (it creates every AWS secret); then rounds at concurrency 1, then at <c>--concurrency</c>.</summary>
    private async Task<IReadOnlyList<PhaseReport>> RunLatencyAsync(
        Func<CancellationToken, Task<IBenchDelivery>> startReplicator, string suffix, double peakWorkingSetMegabytes, CancellationToken cancellationToken)
    {
        await using IBenchDelivery replicator = await startReplicator(cancellationToken).ConfigureAwait(false);
        int serialRounds = options.Versions / 2; // of the V-1 rounds after the warm-up, half (rounded up) one at a time

        // A round of more deliveries than the write budget's burst waits for write tokens once the burst is spent,
        // whatever the handler costs: at concurrency 1 the p50 then measures the budget's rate (20 ms at 50 a second).
        string c1Note = string.Empty;
        int burst = WriteBurst();
        if (options.Secrets > burst)
        {
            c1Note = $"; rounds of {options.Secrets} exceed the write budget's burst of {burst}, so their latency includes waits for write tokens (--secrets {burst} or fewer measures the handler)";
            await progress.WriteLineAsync($"kvrep-dev bench: warning{c1Note}").ConfigureAwait(false);
        }

        var phases = new List<PhaseReport>();
        var lifetime = new List<PhaseMeasurement>();
        foreach ((string part, int from, int to, int concurrency, string description) in (List<(string, int, int, int, string)>)
            [
                ("latency:first", 1, 1, options.Concurrency, $"version 1 of every secret (creates each AWS secret), concurrency {options.Concurrency}; {Fresh(replicator)}"),
                ("latency:c1", 2, 1 + serialRounds, 1, $"versions 2..{1 + serialRounds}, each round created then delivered one at a time (each event names the latest version){c1Note}"),
                ($"latency:c{options.Concurrency}", 2 + serialRounds, options.Versions, options.Concurrency,
                    $"versions {2 + serialRounds}..{options.Versions}, each round created then delivered at concurrency {options.Concurrency}"),
            ])
        {
            var rounds = new List<PhaseMeasurement>();
            for (int version = from; version <= to; version++)
            {
                IReadOnlyList<PlannedDelivery> created = await CreateAsync(version, cancellationToken).ConfigureAwait(false);
                rounds.Add(await DeliverAsync(replicator, part + suffix, created, concurrency, cancellationToken).ConfigureAwait(false));
            }

            phases.Add(PhaseMeasurement.Combine(rounds).ToReport(part + suffix, description, peakWorkingSetMegabytes, profile: null));
            lifetime.AddRange(rounds);
        }

        // A single phase's CPU moves with the moment the JIT's recompilation lands in it; the process's whole life
        // does not, and is what a version costs a fresh process (its latencies mix both concurrencies: read the phases').
        phases.Add(PhaseMeasurement.Combine(lifetime).ToReport(
            "latency:all" + suffix, $"every version this process replicated, the {phases.Count} phases above together", peakWorkingSetMegabytes, profile: null));
        return phases;
    }

    /// <summary>The write budget's burst the replicator runs with: <c>--setting KvReplicator:WriteRateLimit:Burst</c>, else its default.</summary>
    private int WriteBurst() =>
        options.Settings.TryGetValue($"{WriteRateLimitOptions.SectionName}:{nameof(WriteRateLimitOptions.Burst)}", out string? burst)
            && int.TryParse(burst, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : new WriteRateLimitOptions().Burst;

    private async Task<IReadOnlyList<PlannedDelivery>> CreateAsync(int version, CancellationToken cancellationToken, int? secrets = null)
    {
        await progress.WriteLineAsync($"kvrep-dev bench: creating version {version} of {secrets ?? options.Secrets} secrets…").ConfigureAwait(false);
        IReadOnlyList<PlannedDelivery> created = await workload.CreateVersionsAsync(version, cancellationToken, secrets).ConfigureAwait(false);
        Written.AddRange(created);
        return created;
    }

    /// <summary>Delivers one round and measures it: the deliveries' calls, every other call of the replicator meanwhile, and its process's CPU time.</summary>
    private async Task<PhaseMeasurement> DeliverAsync(IBenchDelivery replicator, string name, IReadOnlyList<PlannedDelivery> deliveries, int concurrency, CancellationToken cancellationToken)
    {
        await progress.WriteLineAsync($"kvrep-dev bench: {name}: {deliveries.Count} deliveries, concurrency {concurrency}…").ConfigureAwait(false);
        var others = new CallTally();
        TimeSpan? cpuBefore = replicator.ReplicatorCpuTime();
        PhaseMeasurement measured;
        using (counter.ChargeOthersTo(others))
        {
            measured = await new PhaseRunner(replicator, options).RunAsync(deliveries, concurrency, cancellationToken).ConfigureAwait(false);
        }

        TimeSpan? cpuAfter = replicator.ReplicatorCpuTime();
        while (replicator is ProcessDelivery process && process.Failures.TryDequeue(out string? failure))
        {
            await progress.WriteLineAsync($"kvrep-dev bench: {name}: delivery failed: {failure}").ConfigureAwait(false);
        }

        int versions = deliveries.Select(d => d.Version.Version).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        return measured with
        {
            OtherCalls = others,
            ReplicatorCpu = cpuAfter - cpuBefore,
            VersionsCreated = versions,
            DuplicateDeliveries = deliveries.Count - versions,
        };
    }

    private static string Fresh(IBenchDelivery replicator) =>
        replicator is ProcessDelivery ? "a fresh kvrep serve process" : "a fresh replicator (new container; same process)";
}
