using System.Diagnostics;
using System.Security.Cryptography;
using Azure.Core;
using KvReplicator.DevTools.Local;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// One benchmark run against a <see cref="LocalCloudEnvironment"/>: the replicator composed as production
/// composes it (<c>AddKvReplicator</c>), its real Key Vault, Blob and Secrets Manager calls counted from the
/// replicator's own remote-call measurement; then three phases (cold first event, first versions, steady-state rotation) and a check of
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

        string runId = RandomNumberGenerator.GetHexString(6, lowercase: true);
        string targetPrefix = $"bench-{runId}/";
        using var counter = new RemoteCallCounter();
        IConfiguration configuration = cloud.ReplicatorConfiguration(targetPrefix, $"bench-{runId}", options.Settings);

        void AddReplicator(IServiceCollection services)
        {
            // Remote calls are counted from the replicator's own measurement of them (RemoteCallCounter); tokens here.
            services.AddSingleton<TokenCredential>(new CountingTokenCredential(cloud.KeyVaultCredential, counter));
            cloud.AddReplicator(services, configuration);
        }

        await using IBenchDelivery delivery = await StartDeliveryAsync(AddReplicator, counter, cancellationToken).ConfigureAwait(false);
        var runner = new PhaseRunner(delivery, options);
        var workload = new BenchWorkload(cloud.CreateSecretClient(), cloud.KeyVault, cloud.EventGrid, options, runId);
        await using var sampler = new ResourceSampler();
        using ConnectionCounterListener? connections = options.Profile ? new ConnectionCounterListener() : null;
        var phases = new List<PhaseReport>();

        IReadOnlyList<PlannedDelivery> firstVersions = await CreateVersionsAsync(workload, 1, cancellationToken).ConfigureAwait(false);
        await progress.WriteLineAsync("kvrep-dev bench: phase cold: 1 delivery…").ConfigureAwait(false);

        phases.Add(await MeasureAsync("cold", "first event of a fresh host: builds the clients, fetches the Key Vault token, checks and creates the ledger container, creates the AWS secret",
            () => runner.RunAsync([firstVersions[0]], 1, cancellationToken), sampler, connections).ConfigureAwait(false));
        IReadOnlyList<PlannedDelivery> otherFirstVersions = workload.Arrange(firstVersions.Skip(1), withDuplicates: false);
        await progress.WriteLineAsync($"kvrep-dev bench: phase first-versions: {otherFirstVersions.Count} deliveries, concurrency {options.Concurrency}…").ConfigureAwait(false);
        phases.Add(await MeasureAsync("first-versions", "version 1 of every other secret: each creates its AWS secret (DescribeSecret, CreateSecret)",
            () => runner.RunAsync(otherFirstVersions, options.Concurrency, cancellationToken), sampler, connections).ConfigureAwait(false));

        var rotation = new List<PlannedDelivery>();
        phases.Add(options.RotationRounds
            ? await MeasureAsync("steady", $"versions 2..{options.Versions}, one rotation round at a time (each round created, then delivered{(options.Shuffle ? " shuffled" : string.Empty)}), {options.DuplicateRate:P0} delivered twice",
                () => RunRotationRoundsAsync(runner, workload, rotation, cancellationToken), sampler, connections).ConfigureAwait(false)
            : await MeasureAsync("steady", $"versions 2..{options.Versions} of every secret created first, then delivered as one burst{(options.Shuffle ? ", shuffled" : string.Empty)}, {options.DuplicateRate:P0} delivered twice",
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
                sampler, connections).ConfigureAwait(false));

        await progress.WriteLineAsync("kvrep-dev bench: checking what reached Secrets Manager…").ConfigureAwait(false);
        BenchVerification verification = await VerifyAsync(workload, [.. firstVersions, .. rotation], targetPrefix, cancellationToken).ConfigureAwait(false);
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
            Delivery = delivery.Description,
            Settings = options.Settings.Keys.Order(StringComparer.Ordinal).ToArray(),
            Phases = phases,
            Verification = verification,
            PeakWorkingSetMegabytes = Megabytes(sampler.PeakWorkingSetBytes),
            TotalSeconds = Math.Round(total.Elapsed.TotalSeconds, 1),
        };
    }

    private async Task<IBenchDelivery> StartDeliveryAsync(Action<IServiceCollection> addReplicator, RemoteCallCounter counter, CancellationToken cancellationToken)
    {
        if (options.Delivery == BenchDeliveryMode.Http)
        {
            return await ServeDelivery.StartAsync(addReplicator, counter, options.Schema, cancellationToken).ConfigureAwait(false);
        }

        var services = new ServiceCollection();
        addReplicator(services);
        return new DirectDelivery(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), counter);
    }

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
        string name, string description, Func<Task<PhaseMeasurement>> run, ResourceSampler sampler, ConnectionCounterListener? connections)
    {
        IReadOnlyDictionary<int, int> connectionsBefore = connections?.Snapshot() ?? new Dictionary<int, int>();
        sampler.TakeMaxThreadPoolThreads();
        ProcessSnapshot start = ProcessSnapshot.Take();
        PhaseMeasurement measurement = await run().ConfigureAwait(false);
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
    private async Task<BenchVerification> VerifyAsync(BenchWorkload workload, IReadOnlyList<PlannedDelivery> written, string targetPrefix, CancellationToken cancellationToken)
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
