using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.DevTools.Local;
using KvReplicator.Events;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// The replicator as production composes it (<c>AddKvReplicator</c>), pointed at the local Key Vault, moto
/// and Azurite. Key Vault's new-version notifications are collected instead of delivered, so each test
/// decides when, how often and in which order events arrive.
/// </summary>
internal sealed class ReplicationHarness : IAsyncDisposable
{
    private readonly ConcurrentQueue<SecretVersionCreated> _created = new();
    private readonly ServiceProvider _services;

    private ReplicationHarness(LocalCloudEnvironment cloud, ServiceProvider services, string prefix, CapturedLogs logs)
    {
        Cloud = cloud;
        Logs = logs;
        _services = services;
        Prefix = prefix;
        Cloud.KeyVault.SecretVersionCreated += _created.Enqueue;
        Processor = services.GetRequiredService<KeyVaultEventProcessor>();
        Vault = cloud.CreateSecretClient();
        Aws = cloud.CreateSecretsManagerClient();
    }

    public LocalCloudEnvironment Cloud { get; }

    /// <summary>Every log line the replicator wrote, for the "no secret value in a log" checks.</summary>
    public CapturedLogs Logs { get; }

    public string Prefix { get; }

    public KeyVaultEventProcessor Processor { get; }

    public SecretClient Vault { get; }

    public SecretsManagerClient Aws { get; }

    public IServiceProvider Services => _services;

    /// <param name="configureServices">Runs before the replicator is added, so its registrations win (fault injection).</param>
    /// <param name="emulatorCredentials">False to let the settings choose the AWS credential source.</param>
    public static async Task<ReplicationHarness> StartAsync(
        Action<IServiceCollection>? configureServices = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool emulatorCredentials = true)
    {
        LocalCloudEnvironment cloud = await LocalCloudEnvironment.StartAsync(
            moto: await SharedEmulators.MotoAsync(), azurite: await SharedEmulators.AzuriteAsync());
        string prefix = SharedEmulators.UniqueName("e2e") + "/";
        IConfiguration configuration = cloud.ReplicatorConfiguration(prefix, SharedEmulators.UniqueName("ledger"), settings);
        var services = new ServiceCollection();
        var logs = new CapturedLogs();
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        configureServices?.Invoke(services);
        cloud.AddReplicator(services, configuration, emulatorCredentials);
        ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        return new ReplicationHarness(cloud, provider, prefix, logs);
    }

    /// <summary>Sets a secret in the local Key Vault and returns its new version id.</summary>
    public async Task<string> SetSecretAsync(string name, string value)
    {
        KeyVaultSecret secret = await Vault.SetSecretAsync(name, SecretLeakGuard.Register(value));
        return secret.Properties.Version;
    }

    /// <summary>Delivers one Event Grid schema event for the version, as Event Grid would (a one-event array).</summary>
    public Task<DeliveryResult> DeliverAsync(string name, string version)
    {
        var created = new SecretVersionCreated(Cloud.KeyVault.VaultName, Cloud.KeyVault.VaultUri, name, version, DateTimeOffset.UtcNow, null, null);
        JsonObject gridEvent = GridEvent.From(created, Cloud.EventGrid.TopicFor(created.VaultName)).ToEventGridSchema();
        return Processor.ProcessAsync(BinaryData.FromString(new JsonArray(gridEvent).ToJsonString()));
    }

    /// <summary>Every notification the local Key Vault raised so far, in creation order.</summary>
    public IReadOnlyList<SecretVersionCreated> CreatedVersions => _created.ToArray();

    public string TargetName(string name) => Prefix + name;

    public async Task<IReadOnlyList<SecretVersionsListEntry>> AwsVersionsAsync(string name)
    {
        ListSecretVersionIdsResponse listed = await Aws.ListSecretVersionIdsAsync(new ListSecretVersionIdsRequest { SecretId = TargetName(name), IncludeDeprecated = true });
        return listed.Versions;
    }

    /// <summary>The staging labels of every version AWS holds.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> AwsStagesAsync(string name) =>
        (await Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = TargetName(name) })).VersionIdsToStages ?? new Dictionary<string, IReadOnlyList<string>>();

    public async Task<GetSecretValueResponse> AwsCurrentAsync(string name) =>
        await Aws.GetSecretValueAsync(new GetSecretValueRequest { SecretId = TargetName(name), VersionStage = "AWSCURRENT" });

    public async Task<string> AwsValueAsync(string name, string version) =>
        (await Aws.GetSecretValueAsync(new GetSecretValueRequest { SecretId = TargetName(name), VersionId = version })).SecretString!.Reveal();

    public async ValueTask DisposeAsync()
    {
        Cloud.KeyVault.SecretVersionCreated -= _created.Enqueue;
        await _services.DisposeAsync();
        await Cloud.DisposeAsync();
    }
}
