using System.Security.Cryptography;
using KvReplicator.AzureIdentity;
using KvReplicator.Cli.Serve;
using KvReplicator.Credentials;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.TestPlan.Targets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvReplicator.DevTools.Local;

/// <summary>
/// The replicator deployed on loopback the way it is deployed in Azure: the local cloud, <c>kvrep serve</c>
/// on a free port with a delivery key made for this run (held in memory only, never printed), and an Event
/// Grid subscription that delivers to it with the key in a header after the validation handshake.
/// <c>kvrep-dev demo</c>, <c>kvrep-dev localcloud</c> and the test plan start it.
/// </summary>
public sealed class LocalDeployment : IAsyncDisposable
{
    public const string SubscriptionName = "kvrep-serve";

    /// <summary>The role the local replicator assumes; moto issues sessions for any well-formed role ARN.</summary>
    public const string LocalRoleArn = "arn:aws:iam::123456789012:role/kvreplicator-local";

    private readonly WebApplication _serve;
    private readonly HttpClient _verificationHttp = new();

    private LocalDeployment(
        LocalCloudEnvironment cloud, WebApplication serve, Uri serveUrl, string deliveryKey, string targetPrefix, string ledgerContainer, ILocalFaults? faults)
    {
        LedgerContainer = ledgerContainer;
        DeliveryKey = deliveryKey;
        Cloud = cloud;
        _serve = serve;
        ServeUrl = serveUrl;
        TargetPrefix = targetPrefix;
        Faults = faults;
    }

    public LocalCloudEnvironment Cloud { get; }

    /// <summary>The serve host's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri ServeUrl { get; }

    public Uri EventsEndpoint => new(ServeUrl, "/api/events");

    /// <summary>The key serve demands on every delivery (random per deployment), for tests that post to <see cref="EventsEndpoint"/> themselves.</summary>
    public string DeliveryKey { get; }

    public string TargetPrefix { get; }

    /// <summary>The ledger's container in Azurite, made for this deployment.</summary>
    public string LedgerContainer { get; }

    /// <summary>The test plan's levers; null unless <see cref="LocalDeploymentOptions.InjectFaults"/> was set.</summary>
    public ILocalFaults? Faults { get; }

    /// <exception cref="LocalCloud.Emulators.EmulatorNotFoundException">moto or Azurite is not installed.</exception>
    public static async Task<LocalDeployment> StartAsync(LocalDeploymentOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalDeploymentOptions();
        var gridOptions = new LocalEventGridOptions
        {
            RetryDelayScale = options.RetryDelayScale,
            DuplicateRate = options.DuplicateRate,
            ShuffleWindow = options.ShuffleWindow,
            Seed = options.Seed,
        };
        LocalCloudEnvironment cloud = await LocalCloudEnvironment.StartAsync(eventGridOptions: gridOptions, moto: options.Moto, azurite: options.Azurite, cancellationToken: cancellationToken).ConfigureAwait(false);
        WebApplication? serve = null;
        try
        {
            string deliveryKey = RandomNumberGenerator.GetHexString(64, lowercase: true);
            string ledgerContainer = "kvrep-ledger-" + RandomNumberGenerator.GetHexString(12, lowercase: true);
            LocalStsExchange? sts = null;
            LocalSigningTally? signing = null;
            LocalThrottle? throttle = null;
            WebApplicationBuilder builder = ServeHost.CreateBuilder(
                [],
                serveOptions => serveOptions.DeliveryKey = deliveryKey,
                services =>
                {
                    if (options.InjectFaults)
                    {
                        sts = new LocalStsExchange(options.CredentialLifetime);
                        signing = new LocalSigningTally();
                        throttle = new LocalThrottle();
                        services.AddHttpClient(WebIdentityFederationOptions.StsHttpClientName).AddHttpMessageHandler(() => new LocalStsExchangeHandler(sts));
                        services.AddHttpClient(SecretsManagerClient.HttpClientName)
                            .AddHttpMessageHandler(() => new LocalSigningTallyHandler(signing))
                            .AddHttpMessageHandler(() => new LocalThrottlingHandler(throttle));
                    }

                    cloud.AddReplicator(services, cloud.ReplicatorConfiguration(options.TargetPrefix, ledgerContainer, WebIdentitySettings(cloud)), emulatorCredentials: false);
                });
            builder.Logging.ClearProviders();
            options.ConfigureLogging?.Invoke(builder.Logging);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            serve = ServeHost.Build(builder);
            await serve.StartAsync(cancellationToken).ConfigureAwait(false);
            var serveUrl = new Uri(serve.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());

            await cloud.EventGrid.AddSubscriptionAsync(
                new LocalEventSubscription
                {
                    Name = SubscriptionName,
                    Endpoint = new Uri(serveUrl, "/api/events"),
                    Schema = options.Schema,
                    Headers = new Dictionary<string, string> { ["X-Kvrep-Key"] = deliveryKey },
                },
                cancellationToken).ConfigureAwait(false);
            LocalFaults? faults = sts is not null && signing is not null && throttle is not null
                ? new LocalFaults(cloud, serve.Services.GetRequiredService<ICredentialSource>().Name, sts, signing, throttle)
                : null;
            return new LocalDeployment(cloud, serve, serveUrl, deliveryKey, options.TargetPrefix, ledgerContainer, faults);
        }
        catch
        {
            if (serve is not null)
            {
                await serve.DisposeAsync().ConfigureAwait(false);
            }

            await cloud.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The replicator gets its AWS credentials the production way: the Entra ID token (here the local cloud's
    /// token credential) exchanged with STS <c>AssumeRoleWithWebIdentity</c> — moto's STS, which accepts any token —
    /// for temporary credentials that the production source caches and refreshes ahead of expiry.
    /// </summary>
    internal static IReadOnlyDictionary<string, string?> WebIdentitySettings(LocalCloudEnvironment cloud) => new Dictionary<string, string?>
    {
        ["KvReplicator:Credentials:Source"] = nameof(CredentialSourceKind.WebIdentity),
        ["KvReplicator:Credentials:WebIdentity:RoleArn"] = LocalRoleArn,
        ["KvReplicator:Credentials:WebIdentity:Region"] = LocalCloudEnvironment.Region,
        ["KvReplicator:Credentials:WebIdentity:StsEndpoint"] = cloud.Moto.Endpoint.ToString(),
        // The shortest session real STS grants; with fault injection moto is asked for a few seconds instead.
        ["KvReplicator:Credentials:WebIdentity:DurationSeconds"] = "900",
    };

    /// <summary>The test plan's view: the real Key Vault SDK client on the stand-in, and a Secrets Manager client on moto.</summary>
    public TestPlanTarget CreateTarget(string description = "local cloud (in-process)") =>
        new(description, Cloud.CreateSecretClient(), CreateVerificationClient(_verificationHttp, Cloud.Moto.Endpoint, LocalCloudEnvironment.Region), new SecretNameMapper(TargetPrefix), Faults,
            "this local deployment was started without fault injection");

    /// <summary>A Secrets Manager client on moto for the test plan's reads (it retries moto's occasional HTTP 500 under load).</summary>
    internal static SecretsManagerClient CreateVerificationClient(HttpClient http, Uri motoEndpoint, string region) =>
        new(http, new AwsSdkCredentialSource(LocalCloudEnvironment.EmulatorCredentials, "local-emulator"),
            new SecretsManagerOptions { Region = region, ServiceUrl = motoEndpoint });

    /// <summary>
    /// The settings <c>kvrep</c> needs to work on this deployment from another process: serve's own, with the
    /// local cloud's Azure credential (<c>AzureCredential:Source=LocalCloud</c>, a fixed token the stand-in accepts
    /// and moto's STS exchanges) in place of the in-process one, and no delivery key.
    /// </summary>
    public IReadOnlyDictionary<string, string?> KvrepSettings()
    {
        var settings = new Dictionary<string, string?>(Cloud.ReplicatorSettings(TargetPrefix, LedgerContainer));
        foreach ((string key, string? value) in WebIdentitySettings(Cloud))
        {
            settings[key] = value;
        }

        settings["KvReplicator:AzureCredential:Source"] = nameof(AzureCredentialSource.LocalCloud);
        return settings;
    }

    /// <summary>What <c>kvrep-dev localcloud</c> writes for the test plan and <c>kvrep --config</c> to find it; no key, no secret.</summary>
    public LocalCloudEnvironmentFile DescribeForFile() => new()
    {
        KvReplicator = LocalCloudEnvironmentFile.NestSettings(KvrepSettings()),
        VaultUri = Cloud.KeyVault.VaultUri,
        VaultName = Cloud.KeyVault.VaultName,
        CertificateThumbprintSha256 = Cloud.KeyVault.CertificateThumbprintSha256,
        AwsRegion = LocalCloudEnvironment.Region,
        MotoEndpoint = Cloud.Moto.Endpoint,
        AzuriteConnectionString = Cloud.Azurite.ConnectionString,
        ServeUrl = ServeUrl,
        TargetPrefix = TargetPrefix,
        ProcessId = Environment.ProcessId,
        StartedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>Stops the grid first (nothing new is delivered), then serve (deliveries in flight finish), then the cloud and emulators.</summary>
    public async ValueTask DisposeAsync()
    {
        await Cloud.EventGrid.DisposeAsync().ConfigureAwait(false);
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _serve.StopAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Deliveries that would not finish in time are abandoned with the process.
            }
        }

        await _serve.DisposeAsync().ConfigureAwait(false);
        await Cloud.DisposeAsync().ConfigureAwait(false);
        _verificationHttp.Dispose();
    }
}
