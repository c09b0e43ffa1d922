using System.Diagnostics;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Credentials;
using KvReplicator.DevTools.Local;
using KvReplicator.Events;
using KvReplicator.KeyVault;
using KvReplicator.Ledger;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.DevTools.Chaos;

/// <summary>
/// Thousands of Key Vault versions replicated by the production pipeline (<c>AddKvReplicator</c>) over the
/// local cloud while every edge misbehaves: faults on the Secrets Manager, Key Vault and Blob wires, failing
/// credential refreshes, handlers crashing between steps, and Event Grid's duplicates, shuffles and retries.
/// Then the stores are checked: nothing lost, nothing written twice, the newest value current, no marker
/// left in flight, no value in a log.
/// </summary>
public static class ChaosRun
{
    /// <summary>Every secret value the run creates starts with this, so logs can be searched for all of them at once.</summary>
    public const string ValueMarker = "kvrep-chaos-value-";

    public static async Task<ChaosReport> RunAsync(ChaosOptions options, LocalCloudEnvironment cloud, TextWriter? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cloud);
        var stopwatch = Stopwatch.StartNew();
        var figures = new ChaosFigures();
        var faults = new FaultInjector(options.Seed, options.FaultRate, figures);
        var clock = new VirtualClock(DateTimeOffset.UtcNow);
        DateTimeOffset start = clock.GetUtcNow();
        var logs = new LeakWatchingLoggerProvider(ValueMarker);
        string runId = $"{options.Seed}-{Guid.NewGuid():N}"[..20];

        await using ServiceProvider services = BuildReplicator(cloud, faults, clock, logs, runId);
        KeyVaultEventProcessor processor = services.GetRequiredService<KeyVaultEventProcessor>();
        var grid = new SimulatedEventGrid(processor, clock, options, figures, cloud.EventGrid.TopicFor(cloud.KeyVault.VaultName));
        var scenario = new ChaosScenario(options, cloud.CreateSecretClient(), cloud.KeyVault.VaultName, cloud.KeyVault.VaultUri);

        while (!scenario.IsComplete || grid.NextDue is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DateTimeOffset nextCreation = scenario.IsComplete ? DateTimeOffset.MaxValue : start + (options.CreationInterval * scenario.Created);
            DateTimeOffset next = grid.NextDue is { } due && due < nextCreation ? due : nextCreation;
            clock.AdvanceTo(next);
            while (!scenario.IsComplete && start + (options.CreationInterval * scenario.Created) <= clock.GetUtcNow())
            {
                grid.Publish(await scenario.CreateNextAsync(clock.GetUtcNow(), cancellationToken).ConfigureAwait(false));
                if (progress is not null && scenario.Created % 500 == 0)
                {
                    await progress.WriteLineAsync($"kvrep-dev chaos: {scenario.Created}/{options.Versions} versions created, {figures.TotalFaults} faults so far").ConfigureAwait(false);
                }
            }

            await grid.DeliverDueAsync(cancellationToken).ConfigureAwait(false);
        }

        // Every event is answered or dead-lettered: stop disturbing and look at what the stores hold.
        faults.Enabled = false;
        var verification = new ChaosVerification(scenario, cloud, services.GetRequiredService<BlobReplicationLedger>(),
            services.GetRequiredService<IOptions<ReplicationOptions>>().Value.TargetPrefix, grid.DeadLetters);
        await verification.RunAsync(cancellationToken).ConfigureAwait(false);

        return new ChaosReport
        {
            Options = options,
            SecretsCreated = scenario.SecretCount,
            VersionsCreated = scenario.Created,
            VersionsDisabled = scenario.DisabledCount,
            Faults = figures.Faults,
            FaultsTotal = figures.TotalFaults,
            Crashes = figures.Crashes,
            Deliveries = figures.Deliveries,
            Outcomes = figures.Outcomes,
            DeadLetters = grid.DeadLetters,
            LostVersions = verification.Lost,
            CoalescedVersions = verification.Coalesced,
            AwaitingReplay = verification.AwaitingReplay,
            DuplicatedVersions = verification.Duplicated,
            WrongCurrent = verification.WrongCurrent,
            WrongValues = verification.WrongValues,
            MarkersInFlight = verification.MarkersInFlight,
            MarkersDone = verification.MarkersDone,
            LogEntries = logs.Entries,
            LogLeaks = logs.Leaks,
            HandlerExceptions = grid.HandlerExceptions,
            Findings = verification.Findings.Concat(grid.DeadLetters.Select(d => $"dead-lettered {d.SecretName}/{d.Version} after {d.Attempts} attempts: {d.Reason}")).Take(20)
                .Concat(verification.LostVersions.Concat(verification.HeldIntents).Take(3).SelectMany(version => Explain(version.SecretName, version.Version, grid, logs))).ToArray(),
            VirtualTime = clock.GetUtcNow() - start,
            WallTime = stopwatch.Elapsed,
        };
    }

    /// <summary>What Event Grid saw of a lost (or lock-held) version's deliveries, and what the handlers logged about it.</summary>
    private static IEnumerable<string> Explain(string secretName, string version, SimulatedEventGrid grid, LeakWatchingLoggerProvider logs) =>
        grid.Trail(secretName, version).Select(step => $"  {version[..8]} delivery {step}")
            .Concat(logs.Mentioning(version).Take(40).Select(message => $"  {version[..8]} log: {message}"));

    /// <summary>
    /// The replicator as <c>kvrep serve</c> composes it against the local cloud, with the faults wired in where
    /// a host can reach: the Secrets Manager HttpClient's handlers, the Azure clients' pipeline policies, the
    /// credential source, and decorators of the three ports that crash the handler between steps.
    /// </summary>
    private static ServiceProvider BuildReplicator(LocalCloudEnvironment cloud, FaultInjector faults, VirtualClock clock, LeakWatchingLoggerProvider logs, string runId)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<HttpPipelinePolicy>(new FaultInjectingPolicy(faults));
        services.AddSingleton<ICredentialSource>(new FlakyCredentialSource(new AwsSdkCredentialSource(LocalCloudEnvironment.EmulatorCredentials, "local-emulator"), faults));
        services.AddHttpClient(SecretsManagerClient.HttpClientName).AddHttpMessageHandler(() => new FaultInjectingHandler(faults));

        // The client's own retries wait on real time (the virtual clock only moves between deliveries).
        services.AddSingleton(provider => new SecretsManagerClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(SecretsManagerClient.HttpClientName),
            provider.GetRequiredService<ICredentialSource>(),
            provider.GetRequiredService<IOptions<SecretsManagerOptions>>().Value,
            TimeProvider.System,
            provider.GetService<ILogger<SecretsManagerClient>>()));

        IConfiguration configuration = cloud.ReplicatorConfiguration(
            targetPrefix: $"chaos-{runId}/",
            ledgerContainer: $"chaos-{runId}".ToLowerInvariant(),
            overrides: new Dictionary<string, string?> { ["KvReplicator:SecretsManager:BaseDelay"] = "00:00:00.010" });
        cloud.AddReplicator(services, configuration);

        // Registered last, so they are what SecretReplicator gets.
        services.AddSingleton<IReplicationLedger>(provider => new CrashingLedger(provider.GetRequiredService<BlobReplicationLedger>()));
        services.AddSingleton<ISecretSource>(provider => new CrashingSource(provider.GetRequiredService<KeyVaultSecretSource>()));
        services.AddSingleton<ISecretTarget>(provider => new CrashingTarget(provider.GetRequiredService<SecretsManagerTarget>()));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
