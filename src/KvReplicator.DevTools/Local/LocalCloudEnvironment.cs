using Amazon.Runtime;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Credentials;
using KvReplicator.DependencyInjection;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.SecretsManager;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KvReplicator.DevTools.Local;

/// <summary>
/// The whole cloud on loopback: moto (Secrets Manager), Azurite (the ledger's Blob Storage), the local Key
/// Vault and the local Event Grid wired to it. The demo, the test plan, the benchmark, the chaos run and the
/// integration tests start it the same way and configure the replicator against it the same way.
/// </summary>
public sealed class LocalCloudEnvironment : IAsyncDisposable
{
    /// <summary>The region moto is addressed as; moto accepts any.</summary>
    public const string Region = "us-east-1";

    private readonly IReadOnlyList<IAsyncDisposable> _owned;

    private LocalCloudEnvironment(MotoServer moto, AzuriteServer azurite, LocalKeyVault keyVault, LocalEventGrid eventGrid, IReadOnlyList<IAsyncDisposable> owned)
    {
        Moto = moto;
        Azurite = azurite;
        KeyVault = keyVault;
        EventGrid = eventGrid;
        _owned = owned;
        KeyVault.SecretVersionCreated += EventGrid.Publish;
    }

    public MotoServer Moto { get; }

    public AzuriteServer Azurite { get; }

    public LocalKeyVault KeyVault { get; }

    public LocalEventGrid EventGrid { get; }

    /// <summary>The stand-in's bearer credential, for every Key Vault client of this environment.</summary>
    public TokenCredential KeyVaultCredential { get; } = new LocalKeyVaultCredential();

    /// <summary>
    /// moto accepts any key pair; these exist only on loopback. They are not AWS credentials and no code
    /// path outside this environment can use them.
    /// </summary>
    public static AWSCredentials EmulatorCredentials { get; } = new SessionAWSCredentials("kvrep-local-key", "kvrep-local-secret", "kvrep-local-session");

    /// <summary>
    /// Starts the stand-ins. Emulators given by the caller (tests share one moto and one Azurite per run)
    /// are used and left running; otherwise they are started here and stopped on dispose.
    /// </summary>
    public static async Task<LocalCloudEnvironment> StartAsync(
        LocalKeyVaultOptions? keyVaultOptions = null,
        LocalEventGridOptions? eventGridOptions = null,
        MotoServer? moto = null,
        AzuriteServer? azurite = null,
        CancellationToken cancellationToken = default)
    {
        var started = new List<IAsyncDisposable>();
        try
        {
            if (moto is null)
            {
                moto = await MotoServer.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                started.Add(moto);
            }

            if (azurite is null)
            {
                azurite = await AzuriteServer.StartAsync(cancellationToken).ConfigureAwait(false);
                started.Add(azurite);
            }

            LocalKeyVault keyVault = await LocalKeyVault.StartAsync(keyVaultOptions, cancellationToken).ConfigureAwait(false);
            var eventGrid = new LocalEventGrid(eventGridOptions);
            return new LocalCloudEnvironment(moto, azurite, keyVault, eventGrid, started);
        }
        catch
        {
            foreach (IAsyncDisposable disposable in started)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Completes once every version written to the local Key Vault so far has been announced to the local
    /// Event Grid and every delivery (with its retries and dead-letters) is answered.
    /// </summary>
    public async Task WhenDeliveredAsync(CancellationToken cancellationToken = default)
    {
        await KeyVault.WhenAnnouncedAsync(cancellationToken).ConfigureAwait(false);
        await EventGrid.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The <c>KvReplicator:*</c> settings that point the replicator at this environment.</summary>
    public IReadOnlyDictionary<string, string?> ReplicatorSettings(string targetPrefix = "", string ledgerContainer = "kvreplicator-ledger") =>
        new Dictionary<string, string?>
        {
            ["KvReplicator:KeyVault:VaultUri"] = KeyVault.VaultUri.ToString(),
            ["KvReplicator:KeyVault:VaultName"] = KeyVault.VaultName,
            ["KvReplicator:KeyVault:DisableChallengeResourceVerification"] = "true",
            ["KvReplicator:KeyVault:TrustedServerCertificateThumbprint"] = KeyVault.CertificateThumbprintSha256,
            ["KvReplicator:Ledger:ConnectionString"] = Azurite.ConnectionString,
            ["KvReplicator:Ledger:ContainerName"] = ledgerContainer,
            ["KvReplicator:SecretsManager:Region"] = Region,
            ["KvReplicator:SecretsManager:ServiceUrl"] = Moto.Endpoint.ToString(),
            ["KvReplicator:Replication:TargetPrefix"] = targetPrefix,
        };

    /// <summary>Configuration built from <see cref="ReplicatorSettings"/> plus any overrides.</summary>
    public IConfiguration ReplicatorConfiguration(string targetPrefix = "", string ledgerContainer = "kvreplicator-ledger", IReadOnlyDictionary<string, string?>? overrides = null) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(ReplicatorSettings(targetPrefix, ledgerContainer))
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();

    /// <summary>
    /// Registers the replicator against this environment: the stand-in's Key Vault credential and the
    /// emulator's AWS credentials come first, so <see cref="KvReplicatorServiceCollectionExtensions.AddKvReplicator"/>
    /// keeps them instead of DefaultAzureCredential and the AWS default chain.
    /// </summary>
    /// <param name="services">The container to register into.</param>
    /// <param name="configuration">Usually <see cref="ReplicatorConfiguration"/>.</param>
    /// <param name="emulatorCredentials">
    /// False to let <c>KvReplicator:Credentials</c> choose the AWS credential source, as in production
    /// (the credential-source tests run Roles Anywhere and web identity against moto this way).
    /// </param>
    public IServiceCollection AddReplicator(IServiceCollection services, IConfiguration configuration, bool emulatorCredentials = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(KeyVaultCredential);
        if (emulatorCredentials)
        {
            services.TryAddSingleton<ICredentialSource>(new AwsSdkCredentialSource(EmulatorCredentials, "local-emulator"));
        }

        return services.AddKvReplicator(configuration);
    }

    /// <summary>A Key Vault client for writing secrets into the stand-in, as a user or the test plan would.</summary>
    public SecretClient CreateSecretClient() => KeyVault.CreateSecretClient(KeyVaultCredential);

    /// <summary>A Secrets Manager client for checking what reached moto.</summary>
    internal SecretsManagerClient CreateSecretsManagerClient(HttpClient? httpClient = null) =>
        new(httpClient ?? new HttpClient(), new AwsSdkCredentialSource(EmulatorCredentials, "local-emulator"),
            new SecretsManagerOptions { Region = Region, ServiceUrl = Moto.Endpoint });

    public async ValueTask DisposeAsync()
    {
        KeyVault.SecretVersionCreated -= EventGrid.Publish;
        await EventGrid.DisposeAsync().ConfigureAwait(false);
        await KeyVault.DisposeAsync().ConfigureAwait(false);
        foreach (IAsyncDisposable emulator in _owned)
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
