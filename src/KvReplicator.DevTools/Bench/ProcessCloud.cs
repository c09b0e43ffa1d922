using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using KvReplicator.DevTools.Local;
using KvReplicator.Diagnostics;
using KvReplicator.LocalCloud.KeyVault;
using Microsoft.AspNetCore.Http;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// The local cloud as a replicator in another process reaches it: a counting forwarder in front of the local
/// Key Vault, Azurite and moto (unless calls are not counted), and a managed identity endpoint for its Entra
/// ID tokens. Shared by every <c>kvrep serve</c> the run starts; each gets its own settings.
/// </summary>
internal sealed class ProcessCloud : IAsyncDisposable
{
    private readonly LocalCloudEnvironment _cloud;
    private readonly LocalManagedIdentityEndpoint _identity;
    private readonly CountingForwarder? _keyVault;
    private readonly CountingForwarder? _blob;
    private readonly CountingForwarder? _secretsManager;
    private readonly X509Certificate2? _keyVaultCertificate;

    private ProcessCloud(
        LocalCloudEnvironment cloud, LocalManagedIdentityEndpoint identity, CountingForwarder? keyVault, CountingForwarder? blob, CountingForwarder? secretsManager, X509Certificate2? keyVaultCertificate)
    {
        _cloud = cloud;
        _identity = identity;
        _keyVault = keyVault;
        _blob = blob;
        _secretsManager = secretsManager;
        _keyVaultCertificate = keyVaultCertificate;
    }

    /// <param name="countCalls">False points the replicator straight at the stand-ins: no hop, no count (for latency and CPU runs).</param>
    public static async Task<ProcessCloud> StartAsync(LocalCloudEnvironment cloud, RemoteCallCounter counter, bool countCalls, CancellationToken cancellationToken = default)
    {
        LocalManagedIdentityEndpoint identity = await LocalManagedIdentityEndpoint.StartAsync(
            resource => counter.Record(RemoteService.KeyVaultToken, $"GetToken({resource})"), cancellationToken).ConfigureAwait(false);
        if (!countCalls)
        {
            return new ProcessCloud(cloud, identity, null, null, null, null);
        }

        // The forwarder in front of Key Vault speaks HTTPS with a certificate of its own, which the replicator pins.
        X509Certificate2 certificate = LoopbackCertificate.Create();
        CountingForwarder keyVault = await CountingForwarder.StartAsync(
            cloud.KeyVault.VaultUri, cloud.KeyVault.CreatePinnedHandler(), request => (RemoteService.KeyVault, RemoteOperations.KeyVault(Method(request), Url(request)).Name),
            counter, certificate, cancellationToken).ConfigureAwait(false);
        CountingForwarder blob = await CountingForwarder.StartAsync(
            cloud.Azurite.BlobEndpoint, PlainHandler(), request => (RemoteService.Blob, RemoteOperations.Blob(Method(request), Url(request)).Name),
            counter, cancellationToken: cancellationToken).ConfigureAwait(false);
        CountingForwarder secretsManager = await CountingForwarder.StartAsync(
            cloud.Moto.Endpoint, PlainHandler(), request => (RemoteService.SecretsManager, RemoteOperations.SecretsManager(request.Headers["X-Amz-Target"].FirstOrDefault()).Name),
            counter, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new ProcessCloud(cloud, identity, keyVault, blob, secretsManager, certificate);
    }

    public bool CountsCalls => _keyVault is not null;

    /// <summary>
    /// The whole environment of one <c>kvrep serve</c>: the replicator's settings as variables, pointed at the
    /// forwarders; the emulator's AWS keys for the AWS SDK's default chain; the managed identity endpoint for
    /// DefaultAzureCredential; the port and the delivery key.
    /// </summary>
    public Dictionary<string, string> ServeEnvironment(int port, string deliveryKey, string targetPrefix, string ledgerContainer, IReadOnlyDictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>(_cloud.ReplicatorSettings(targetPrefix, ledgerContainer), StringComparer.OrdinalIgnoreCase);
        if (_keyVault is not null && _blob is not null && _secretsManager is not null)
        {
            settings["KvReplicator:KeyVault:VaultUri"] = _keyVault.Address.ToString();
            settings["KvReplicator:KeyVault:TrustedServerCertificateThumbprint"] = _keyVaultCertificate!.GetCertHashString(HashAlgorithmName.SHA256);
            settings["KvReplicator:Ledger:ConnectionString"] = _cloud.Azurite.ConnectionString.Replace(
                _cloud.Azurite.BlobEndpoint.Authority, _blob.Address.Authority, StringComparison.Ordinal);
            settings["KvReplicator:SecretsManager:ServiceUrl"] = _secretsManager.Address.ToString();
        }

        settings["KvReplicator:Serve:DeliveryKey"] = deliveryKey;
        foreach ((string key, string? value) in overrides)
        {
            settings[key] = value;
        }

        Amazon.Runtime.ImmutableCredentials aws = LocalCloudEnvironment.EmulatorCredentials.GetCredentials();
        var environment = settings.Where(s => s.Value is not null).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!, StringComparer.Ordinal);
        environment["ASPNETCORE_URLS"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        environment["AWS_ACCESS_KEY_ID"] = aws.AccessKey;
        environment["AWS_SECRET_ACCESS_KEY"] = aws.SecretKey;
        environment["AWS_SESSION_TOKEN"] = aws.Token;
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        environment["IDENTITY_ENDPOINT"] = _identity.Endpoint.ToString();
        environment["IDENTITY_HEADER"] = _identity.Header;
        return environment;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (CountingForwarder? forwarder in (CountingForwarder?[])[_keyVault, _blob, _secretsManager])
        {
            if (forwarder is not null)
            {
                await forwarder.DisposeAsync().ConfigureAwait(false);
            }
        }

        await _identity.DisposeAsync().ConfigureAwait(false);
        _keyVaultCertificate?.Dispose();
    }

    private static SocketsHttpHandler PlainHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
    };

    private static RequestMethod Method(HttpRequest request) => RequestMethod.Parse(request.Method);

    private static Uri Url(HttpRequest request) => new($"http://forwarded{request.Path}{request.QueryString}");
}
