using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>
/// A local stand-in for Azure Key Vault's secrets API, wire-compatible enough that the real
/// <see cref="SecretClient"/> works against it unchanged: HTTPS on loopback with a certificate made at
/// start, the bearer challenge, Key Vault's JSON shapes, errors, paging and soft delete. It announces every
/// new version through <see cref="SecretVersionCreated"/>, which the local Event Grid turns into events.
/// </summary>
public sealed class LocalKeyVault : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _serverCertificate;
    private readonly Channel<SecretVersionCreated> _announcements;
    private readonly PendingAnnouncements _pending;
    private readonly Task _announcer;
    private readonly ReadFailureSwitch _readFailure;
    private int _disposed;

    private LocalKeyVault(
        WebApplication app, X509Certificate2 serverCertificate, Uri vaultUri, string vaultName, Channel<SecretVersionCreated> announcements, PendingAnnouncements pending, ReadFailureSwitch readFailure)
    {
        _pending = pending;
        _readFailure = readFailure;
        _app = app;
        _serverCertificate = serverCertificate;
        VaultUri = vaultUri;
        VaultName = vaultName;
        Certificate = X509CertificateLoader.LoadCertificate(serverCertificate.RawData);
        CertificateThumbprintSha256 = serverCertificate.GetCertHashString(HashAlgorithmName.SHA256);
        _announcements = announcements;
        _announcer = Task.Run(AnnounceAsync);
    }

    /// <summary>
    /// Raised once for every new secret version, after it is stored, on a background task and in creation
    /// order; HTTP responses never wait for listeners, and a listener that throws does not stop the others.
    /// </summary>
    public event Action<SecretVersionCreated>? SecretVersionCreated;

    /// <summary>
    /// How reads of a value are answered from now on: normally (the default) or with an error that quotes the
    /// value, as a misbehaving hop might. Listing and writing are unaffected.
    /// </summary>
    public QuotedReadFailure ReadFailure
    {
        get => _readFailure.Mode;
        set => _readFailure.Mode = value;
    }

    /// <summary>The vault's base address, e.g. <c>https://127.0.0.1:54321/</c>.</summary>
    public Uri VaultUri { get; }

    public string VaultName { get; }

    /// <summary>The TLS server certificate, public part only: clients pin it rather than trusting it machine-wide.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 of <see cref="Certificate"/>, upper-case hex, for configuration that pins it by thumbprint.</summary>
    public string CertificateThumbprintSha256 { get; }

    public static async Task<LocalKeyVault> StartAsync(LocalKeyVaultOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalKeyVaultOptions();
        options.Validate();

        X509Certificate2 certificate = LoopbackCertificate.Create();
        var announcements = Channel.CreateUnbounded<SecretVersionCreated>(new UnboundedChannelOptions { SingleReader = true });
        var pending = new PendingAnnouncements();
        var readFailure = new ReadFailureSwitch();
        Uri? vaultUri = null;
        var wire = new WireFormat(() => vaultUri!, options.SoftDeleteRetentionDays);
        var store = new SecretStore(
            options.TimeProvider,
            options.SoftDeleteRetentionDays,
            options.PersistencePath is null ? null : new VaultFile(options.PersistencePath),
            (secret, version) =>
            {
                pending.Add();
                announcements.Writer.TryWrite(new SecretVersionCreated(
                    options.VaultName, vaultUri!, secret.Name, version.Version, version.CreatedOn, version.NotBefore, version.ExpiresOn));
            });

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LocalKeyVault).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(certificate)));

        WebApplication app = builder.Build();
        var challenge = new BearerChallenge(options.TenantId, options.ExpectedAccessToken);
        app.Use(challenge.InvokeAsync);
        app.Use(SecretsApi.HandleErrorsAsync);
        new SecretsApi(store, wire, options.PageSize, () => readFailure.Mode).Map(app);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            certificate.Dispose();
            throw;
        }

        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        vaultUri = new Uri($"https://127.0.0.1:{new Uri(address).Port}/");
        return new LocalKeyVault(app, certificate, vaultUri, options.VaultName, announcements, pending, readFailure);
    }

    /// <summary>
    /// Options for a <see cref="SecretClient"/> of this vault: TLS trusts exactly this vault's certificate,
    /// and the challenge's resource (vault.azure.net) is accepted although the host is 127.0.0.1.
    /// </summary>
    /// <summary>Completes once every version created so far has been announced to the listeners.</summary>
    public Task WhenAnnouncedAsync(CancellationToken cancellationToken = default) => _pending.WhenNoneAsync(cancellationToken);

    public SecretClientOptions CreateClientOptions()
    {
        var options = new SecretClientOptions
        {
            DisableChallengeResourceVerification = true,
            Transport = new HttpClientTransport(CreatePinnedHandler()),
        };
        return options;
    }

    /// <summary>A client of this vault; the credential defaults to <see cref="LocalKeyVaultCredential"/>.</summary>
    public SecretClient CreateSecretClient(TokenCredential? credential = null) =>
        new(VaultUri, credential ?? new LocalKeyVaultCredential(), CreateClientOptions());

    /// <summary>An HTTP handler that trusts this vault's certificate and no other, for raw HTTP calls.</summary>
    public HttpMessageHandler CreatePinnedHandler()
    {
        string pinned = CertificateThumbprintSha256;
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), pinned, StringComparison.OrdinalIgnoreCase),
            },
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _announcements.Writer.TryComplete();
        await _announcer.ConfigureAwait(false);
        _serverCertificate.Dispose();
        Certificate.Dispose();
    }

    /// <summary>Shared between the vault and its request handlers, which are built before the vault is.</summary>
    private sealed class ReadFailureSwitch
    {
        private volatile QuotedReadFailure _mode;

        public QuotedReadFailure Mode
        {
            get => _mode;
            set => _mode = value;
        }
    }

    private async Task AnnounceAsync()
    {
        await foreach (SecretVersionCreated created in _announcements.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            foreach (Action<SecretVersionCreated> listener in SecretVersionCreated?.GetInvocationList().Cast<Action<SecretVersionCreated>>() ?? [])
            {
                try
                {
                    listener(created);
                }
                catch (Exception)
                {
                    // A listener reports its own failures; one that throws must not silence the vault for the others.
                }
            }

            _pending.Done();
        }
    }
}
