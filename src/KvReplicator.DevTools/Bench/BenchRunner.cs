using System.Diagnostics;
using System.Security.Cryptography;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using KvReplicator.DevTools.Local;
using KvReplicator.Events;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// One benchmark run against a <see cref="LocalCloudEnvironment"/>: the replicator composed as production
/// composes it (<c>AddKvReplicator</c>), with counters on its real Key Vault, Blob and Secrets Manager
/// clients; then three phases (cold first event, first versions, steady-state rotation) and a check of
/// what reached Secrets Manager.
/// </summary>
internal sealed class BenchRunner(LocalCloudEnvironment cloud, BenchOptions options, TextWriter progress)
{
    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var total = Stopwatch.StartNew();
        if (options.Profile)
        {
            await progress.WriteLineAsync($"kvrep-dev bench: process id {Environment.ProcessId} (dotnet-counters / dotnet-trace can attach to it; see docs/benchmarks.md)").ConfigureAwait(false);
        }

        var counter = new RemoteCallCounter();
        await using ProcessCloud? processCloud = options.Delivery == BenchDeliveryMode.Process
            ? await ProcessCloud.StartAsync(cloud, counter, options.CountCalls, cancellationToken).ConfigureAwait(false)
            : null;
        await using var sampler = new ResourceSampler();

        // The patterns' ledger exists before any replicator starts, as the infrastructure deploys it: creating it
        // is not a cost of a version. (The three-phase run measures that cost in its cold column.)
        string sharedLedger = "bench-" + RandomNumberGenerator.GetHexString(12, lowercase: true);
        if (options.Patterns.Any(pattern => pattern != BenchPattern.Phases))
        {
            await new BlobContainerClient(cloud.Azurite.ConnectionString, sharedLedger).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<BenchReplicator?> replicators = options.Replicators.Count > 0 ? [.. options.Replicators] : [(BenchReplicator?)null];
        var phases = new List<PhaseReport>();
        BenchVerification verification = BenchVerification.None;
        for (int run = 1; run <= options.Repeat; run++)
        {
            foreach (BenchPattern pattern in options.Patterns)
            {
                foreach (BenchReplicator? replicator in replicators)
                {
                    string runId = RandomNumberGenerator.GetHexString(6, lowercase: true);
                    string targetPrefix = $"bench-{runId}/";
                    string ledger = pattern == BenchPattern.Phases ? $"bench-{runId}" : sharedLedger;
                    string suffix = (replicators.Count > 1 ? $" [{replicator!.Label}]" : string.Empty) + (options.Repeat > 1 ? $" #{run}" : string.Empty);
                    var workload = new BenchWorkload(cloud.CreateSecretClient(), cloud.KeyVault, cloud.EventGrid, options, runId);
                    Task<IBenchDelivery> Start(CancellationToken ct) => StartDeliveryAsync(counter, processCloud, replicator, targetPrefix, ledger, ct);

                    IReadOnlyList<PlannedDelivery> written;
                    if (pattern == BenchPattern.Phases)
                    {
                        var rotation = new List<PlannedDelivery>();
                        phases.AddRange(await RunPhasesAsync(workload, Start, suffix, rotation, sampler, cancellationToken).ConfigureAwait(false));
                        written = rotation;
                    }
                    else
                    {
                        var runner = new PatternRunner(options, workload, counter, progress);
                        phases.AddRange(await runner.RunAsync(pattern, Start, suffix, Megabytes(sampler.PeakWorkingSetBytes), cancellationToken).ConfigureAwait(false));
                        written = runner.Written;
                    }

                    await progress.WriteLineAsync("kvrep-dev bench: checking what reached Secrets Manager…").ConfigureAwait(false);
                    verification = verification.Add(await VerifyAsync(written, targetPrefix, cancellationToken).ConfigureAwait(false));
                }
            }
        }

        total.Stop();
        return new BenchReport
        {
            Machine = BenchMachine.Current(),
            Secrets = options.Secrets,
            VersionsPerSecret = options.Versions,
            Concurrency = options.Concurrency,
            DuplicateRate = options.DuplicateRate,
            Shuffled = options.Shuffle,
            Seed = options.Seed,
            RotationRounds = options.RotationRounds,
            Schema = options.Schema.ToString(),
            Delivery = DescribeDelivery(processCloud),
            Patterns = [.. options.Patterns.Select(pattern => BenchPatterns.Names[pattern])],
            Replicators = [.. options.Replicators.Select(replicator => $"{replicator.Label}={replicator.KvrepDll}")],
            Settings = options.Settings.Keys.Order(StringComparer.Ordinal).ToArray(),
            Phases = phases,
            Verification = verification,
            PeakWorkingSetMegabytes = Megabytes(sampler.PeakWorkingSetBytes),
            TotalSeconds = Math.Round(total.Elapsed.TotalSeconds, 1),
        };
    }

    /// <summary>The three phases on one replicator: cold first event, the other first versions, the steady state.</summary>
    private async Task<IReadOnlyList<PhaseReport>> RunPhasesAsync(
        BenchWorkload workload, Func<CancellationToken, Task<IBenchDelivery>> start, string suffix, List<PlannedDelivery> written, ResourceSampler sampler, CancellationToken cancellationToken)
    {
        await using IBenchDelivery delivery = await start(cancellationToken).ConfigureAwait(false);
        var runner = new PhaseRunner(delivery, options);
        using ConnectionCounterListener? connections = options.Profile ? new ConnectionCounterListener() : null;
        var phases = new List<PhaseReport>();

        IReadOnlyList<PlannedDelivery> firstVersions = await CreateVersionsAsync(workload, 1, cancellationToken).ConfigureAwait(false);
        written.AddRange(firstVersions);
        await progress.WriteLineAsync("kvrep-dev bench: phase cold: 1 delivery…").ConfigureAwait(false);

        phases.Add(await MeasureAsync("cold" + suffix, "first event of a fresh host: builds the clients, fetches the Key Vault token, checks and creates the ledger container, creates the AWS secret",
            () => runner.RunAsync([firstVersions[0]], 1, cancellationToken), delivery, sampler, connections).ConfigureAwait(false));
        IReadOnlyList<PlannedDelivery> otherFirstVersions = workload.Arrange(firstVersions.Skip(1), withDuplicates: false);
        await progress.WriteLineAsync($"kvrep-dev bench: phase first-versions: {otherFirstVersions.Count} deliveries, concurrency {options.Concurrency}…").ConfigureAwait(false);
        phases.Add(await MeasureAsync("first-versions" + suffix, "version 1 of every other secret: each creates its AWS secret",
            () => runner.RunAsync(otherFirstVersions, options.Concurrency, cancellationToken), delivery, sampler, connections).ConfigureAwait(false));

        var rotation = new List<PlannedDelivery>();
        phases.Add(options.RotationRounds
            ? await MeasureAsync("steady" + suffix, $"versions 2..{options.Versions}, one rotation round at a time (each round created, then delivered{(options.Shuffle ? " shuffled" : string.Empty)}), {options.DuplicateRate:P0} delivered twice",
                () => RunRotationRoundsAsync(runner, workload, rotation, cancellationToken), delivery, sampler, connections).ConfigureAwait(false)
            : await MeasureAsync("steady" + suffix, $"versions 2..{options.Versions} of every secret created first, then delivered as one burst{(options.Shuffle ? ", shuffled" : string.Empty)}, {options.DuplicateRate:P0} delivered twice",
                async () =>
                {
                    for (int version = 2; version <= options.Versions; version++)
                    {
                        rotation.AddRange(await CreateVersionsAsync(workload, version, cancellationToken).ConfigureAwait(false));
                    }

                    IReadOnlyList<PlannedDelivery> burst = workload.Arrange(rotation, withDuplicates: true);
                    await progress.WriteLineAsync($"kvrep-dev bench: phase steady: {burst.Count} deliveries, concurrency {options.Concurrency}…").ConfigureAwait(false);
                    return await runner.RunAsync(burst, options.Concurrency, cancellationToken).ConfigureAwait(false);
                },
                delivery, sampler, connections).ConfigureAwait(false));
        written.AddRange(rotation);
        return phases;
    }

    private async Task<IBenchDelivery> StartDeliveryAsync(
        RemoteCallCounter counter, ProcessCloud? processCloud, BenchReplicator? replicator, string targetPrefix, string ledgerContainer, CancellationToken cancellationToken)
    {
        if (processCloud is not null)
        {
            await progress.WriteLineAsync($"kvrep-dev bench: starting kvrep serve ({replicator!.Label}) in a child process…").ConfigureAwait(false);
            return await ProcessDelivery.StartAsync(processCloud, replicator, options, targetPrefix, ledgerContainer, cancellationToken).ConfigureAwait(false);
        }

        IConfiguration configuration = cloud.ReplicatorConfiguration(targetPrefix, ledgerContainer, options.Settings);
        void AddReplicator(IServiceCollection services)
        {
            services.AddSingleton<TokenCredential>(new CountingTokenCredential(cloud.KeyVaultCredential, counter));
            services.AddSingleton<HttpPipelinePolicy>(new CountingPipelinePolicy(counter, cloud.KeyVault.VaultUri));
            services.AddHttpClient(SecretsManagerClient.HttpClientName).AddHttpMessageHandler(() => new CountingHttpHandler(counter));
            cloud.AddReplicator(services, configuration);
        }

        if (options.Delivery == BenchDeliveryMode.Http)
        {
            return await ServeDelivery.StartAsync(AddReplicator, counter, options.Schema, cancellationToken).ConfigureAwait(false);
        }

        var services = new ServiceCollection();
        AddReplicator(services);
        return new DirectDelivery(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), counter);
    }

    private string DescribeDelivery(ProcessCloud? processCloud) => options.Delivery switch
    {
        BenchDeliveryMode.Process => "process: POST to `dotnet kvrep.dll serve` in a child process started fresh for each pattern, as Event Grid's webhook delivery does; "
            + (processCloud?.CountsCalls == true ? "its calls counted by loopback forwarders in front of the stand-ins" : "calls not counted (no forwarders: no extra hop)"),
        BenchDeliveryMode.Http => "http: POST to an in-process kvrep serve on Kestrel, as Event Grid's webhook delivery does",
        _ => "direct: Event Grid JSON bodies into KeyVaultEventProcessor.ProcessAsync(BinaryData), in process (no HTTP hop)",
    };

    /// <summary>Each round creates one new version of every secret and delivers it before the next round, so every event names the latest version when it arrives.</summary>
    private async Task<PhaseMeasurement> RunRotationRoundsAsync(PhaseRunner runner, BenchWorkload workload, List<PlannedDelivery> rotation, CancellationToken cancellationToken)
    {
        var rounds = new List<PhaseMeasurement>();
        for (int version = 2; version <= options.Versions; version++)
        {
            IReadOnlyList<PlannedDelivery> created = await CreateVersionsAsync(workload, version, cancellationToken).ConfigureAwait(false);
            rotation.AddRange(created);
            IReadOnlyList<PlannedDelivery> round = workload.Arrange(created, withDuplicates: true);
            await progress.WriteLineAsync($"kvrep-dev bench: phase steady, round {version - 1}: {round.Count} deliveries, concurrency {options.Concurrency}…").ConfigureAwait(false);
            rounds.Add(await runner.RunAsync(round, options.Concurrency, cancellationToken).ConfigureAwait(false));
        }

        return new PhaseMeasurement([.. rounds.SelectMany(round => round.Records)], TimeSpan.FromTicks(rounds.Sum(round => round.Duration.Ticks)));
    }

    private async Task<IReadOnlyList<PlannedDelivery>> CreateVersionsAsync(BenchWorkload workload, int version, CancellationToken cancellationToken)
    {
        await progress.WriteLineAsync($"kvrep-dev bench: creating version {version} of {options.Secrets} secrets…").ConfigureAwait(false);
        return await workload.CreateVersionsAsync(version, cancellationToken).ConfigureAwait(false);
    }

    /// <remarks>The profile figures span <paramref name="run"/> whole, Key Vault writes of the steady phase included; the rest cover deliveries only.</remarks>
    private async Task<PhaseReport> MeasureAsync(
        string name, string description, Func<Task<PhaseMeasurement>> run, IBenchDelivery delivery, ResourceSampler sampler, ConnectionCounterListener? connections)
    {
        IReadOnlyDictionary<int, int> connectionsBefore = connections?.Snapshot() ?? new Dictionary<int, int>();
        sampler.TakeMaxThreadPoolThreads();
        ProcessSnapshot start = ProcessSnapshot.Take();
        TimeSpan? cpuBefore = delivery.ReplicatorCpuTime();
        PhaseMeasurement measurement = await run().ConfigureAwait(false);
        measurement = measurement with { ReplicatorCpu = delivery.ReplicatorCpuTime() - cpuBefore };
        PhaseProfile? profile = options.Profile ? ProcessSnapshot.Take().Since(start, sampler.TakeMaxThreadPoolThreads()) : null;
        if (profile is not null && connections is not null)
        {
            profile = profile with { ConnectionsOpened = ConnectionsByService(connectionsBefore, connections.Snapshot()) };
        }
        return measurement.ToReport(name, description, Megabytes(sampler.PeakWorkingSetBytes), profile);
    }

    private Dictionary<string, int> ConnectionsByService(IReadOnlyDictionary<int, int> before, IReadOnlyDictionary<int, int> after)
    {
        var byService = new Dictionary<string, int>(StringComparer.Ordinal) { ["KeyVault"] = 0, ["Blob"] = 0, ["SecretsManager"] = 0, ["Other"] = 0 };
        foreach ((int port, int count) in after)
        {
            string service = port == cloud.KeyVault.VaultUri.Port ? "KeyVault"
                : port == cloud.Moto.Endpoint.Port ? "SecretsManager"
                : port == cloud.Azurite.BlobEndpoint.Port ? "Blob"
                : "Other";
            byService[service] += count - before.GetValueOrDefault(port);
        }

        return byService;
    }

    /// <summary>Lists every target's versions with a client of its own, so the check is not counted as the replicator's calls.</summary>
    private async Task<BenchVerification> VerifyAsync(IReadOnlyList<PlannedDelivery> written, string targetPrefix, CancellationToken cancellationToken)
    {
        using var httpClient = new HttpClient();
        SecretsManagerClient aws = cloud.CreateSecretsManagerClient(httpClient);
        int replicated = 0, missing = 0, extra = 0, wrongCurrent = 0;
        foreach (IGrouping<string, PlannedDelivery> secret in written.GroupBy(d => d.Version.SecretName, StringComparer.Ordinal))
        {
            var expected = secret.Select(d => d.Version.Version.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            string latest = secret.Last().Version.Version.ToLowerInvariant();
            List<SecretVersionsListEntry> versions = await ListVersionsAsync(aws, targetPrefix + secret.Key, cancellationToken).ConfigureAwait(false);
            var present = versions.Select(v => v.VersionId?.ToLowerInvariant() ?? string.Empty).ToHashSet(StringComparer.Ordinal);
            replicated += expected.Count(present.Contains);
            missing += expected.Count(v => !present.Contains(v));
            extra += present.Count(v => !expected.Contains(v));
            string? current = versions.FirstOrDefault(v => v.VersionStages?.Contains("AWSCURRENT") == true)?.VersionId?.ToLowerInvariant();
            wrongCurrent += current == latest ? 0 : 1;
        }

        return new BenchVerification(written.Count, replicated, missing, extra, wrongCurrent);
    }

    private static async Task<List<SecretVersionsListEntry>> ListVersionsAsync(SecretsManagerClient aws, string targetName, CancellationToken cancellationToken)
    {
        var versions = new List<SecretVersionsListEntry>();
        string? nextToken = null;
        try
        {
            do
            {
                ListSecretVersionIdsResponse page = await aws.ListSecretVersionIdsAsync(
                    new ListSecretVersionIdsRequest { SecretId = targetName, IncludeDeprecated = true, MaxResults = 100, NextToken = nextToken }, cancellationToken).ConfigureAwait(false);
                versions.AddRange(page.Versions);
                nextToken = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
            }
            while (nextToken is not null);
        }
        catch (SecretsManagerException exception) when (exception.ErrorType == "ResourceNotFoundException")
        {
            // Nothing reached AWS for this secret: every version counts as missing.
        }

        return versions;
    }

    private static double Megabytes(long bytes) => Math.Round(bytes / 1024.0 / 1024.0, 1);
}
