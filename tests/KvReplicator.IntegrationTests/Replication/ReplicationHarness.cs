using System.Collections.Concurrent;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.DevTools.Local;
using KvReplicator.Events;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Ledger;
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
    private readonly IConfiguration _configuration;
    private readonly bool _emulatorCredentials;
    private readonly List<ReplicatorInstance> _instances = [];

    private ReplicationHarness(LocalCloudEnvironment cloud, IConfiguration configuration, bool emulatorCredentials, string prefix, CapturedLogs logs)
    {
        Cloud = cloud;
        Logs = logs;
        _configuration = configuration;
        _emulatorCredentials = emulatorCredentials;
        Prefix = prefix;
        Cloud.KeyVault.SecretVersionCreated += _created.Enqueue;
        Vault = cloud.CreateSecretClient();
        Aws = cloud.CreateSecretsManagerClient();
    }

    public LocalCloudEnvironment Cloud { get; }

    /// <summary>Every log line the replicator wrote, for the "no secret value in a log" checks.</summary>
    public CapturedLogs Logs { get; }

    public string Prefix { get; }

    /// <summary>The first replicator instance, which the single-instance tests use.</summary>
    public ReplicatorInstance Primary => _instances[0];

    public KeyVaultEventProcessor Processor => Primary.Processor;

    public SecretClient Vault { get; }

    public SecretsManagerClient Aws { get; }

    public IServiceProvider Services => Primary.Services;

    /// <param name="configureServices">Runs before the replicator is added, so its registrations win (fault injection).</param>
    /// <param name="emulatorCredentials">False to let the settings choose the AWS credential source.</param>
    /// <param name="keyVault">Options of the local Key Vault, e.g. a fake clock for its creation dates.</param>
    /// <param name="cloudSettings">Settings that name the started cloud (its vault's address, moto's), over <paramref name="settings"/>.</param>
    public static async Task<ReplicationHarness> StartAsync(
        Action<IServiceCollection>? configureServices = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool emulatorCredentials = true,
        LocalKeyVaultOptions? keyVault = null,
        Func<LocalCloudEnvironment, string, IReadOnlyDictionary<string, string?>>? cloudSettings = null)
    {
        LocalCloudEnvironment cloud = await LocalCloudEnvironment.StartAsync(
            keyVaultOptions: keyVault, moto: await SharedEmulators.MotoAsync(), azurite: await SharedEmulators.AzuriteAsync());
        string prefix = SharedEmulators.UniqueName("e2e") + "/";
        var overrides = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        foreach ((string key, string? value) in cloudSettings?.Invoke(cloud, prefix) ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        IConfiguration configuration = cloud.ReplicatorConfiguration(prefix, SharedEmulators.UniqueName("ledger"), overrides);
        var harness = new ReplicationHarness(cloud, configuration, emulatorCredentials, prefix, new CapturedLogs());
        harness.StartInstance(configureServices);
        return harness;
    }

    /// <summary>
    /// Another replicator process of the same deployment: its own service provider (its own in-memory single
    /// flight, gates and caches), over the same Key Vault, moto prefix and ledger container, as a scaled-out
    /// Functions app or a second <c>kvrep serve</c> replica. Its log lines go to <see cref="Logs"/> too.
    /// </summary>
    /// <param name="configureServices">Runs before the replicator is added, so its registrations win.</param>
    public ReplicatorInstance StartInstance(Action<IServiceCollection>? configureServices = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        configureServices?.Invoke(services);
        Cloud.AddReplicator(services, _configuration, _emulatorCredentials);
        var instance = new ReplicatorInstance(Cloud, services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
        _instances.Add(instance);
        return instance;
    }

    /// <summary>Sets a secret in the local Key Vault and returns its new version id.</summary>
    public async Task<string> SetSecretAsync(string name, string value)
    {
        KeyVaultSecret secret = await Vault.SetSecretAsync(name, SecretLeakGuard.Register(value));
        return secret.Properties.Version;
    }

    /// <summary>Delivers one Event Grid schema event for the version to <see cref="Primary"/>.</summary>
    public Task<DeliveryResult> DeliverAsync(string name, string version) => Primary.DeliverAsync(name, version);

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

    /// <summary>The ledger record of a secret, read past every instance's cache.</summary>
    public Task<LedgerRecord> LedgerRecordAsync(string name) =>
        Services.GetRequiredService<BlobReplicationLedger>().ReadAsync(new LedgerKey(Cloud.KeyVault.VaultName, name));

    public async ValueTask DisposeAsync()
    {
        Cloud.KeyVault.SecretVersionCreated -= _created.Enqueue;
        foreach (ReplicatorInstance instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await Cloud.DisposeAsync();
    }
}
