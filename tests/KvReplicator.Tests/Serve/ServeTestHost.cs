using KvReplicator.Cli.Serve;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using KvReplicator.Testing;
using Moq;

namespace KvReplicator.Tests.Serve;

/// <summary>
/// <c>kvrep serve</c> on a TestServer (or, when asked, on Kestrel on loopback, for what only a real server does:
/// limits, slow clients, raw HTTP) over the real pipeline (<see cref="KeyVaultEventProcessor"/> and
/// <see cref="SecretReplicator"/>) with Moq'd ports, so tests drive outcomes through the ledger and stores.
/// Every log line is kept in <see cref="Logs"/>.
/// </summary>
internal sealed class ServeTestHost : IAsyncDisposable
{
    public const string VaultName = "kvrep-test";
    public const string Key = "test-delivery-key-0123456789abcdef0123456789";

    private ServeTestHost(WebApplication app, Mock<IReplicationLedger> ledger, CapturedLogs logs, Uri? address)
    {
        App = app;
        Ledger = ledger;
        Logs = logs;
        Address = address;
        Client = address is null ? app.GetTestClient() : new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public CapturedLogs Logs { get; }

    /// <summary>Kestrel's loopback address; null on a TestServer.</summary>
    public Uri? Address { get; }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public Mock<IReplicationLedger> Ledger { get; }

    public static async Task<ServeTestHost> StartAsync(Action<ServeOptions>? configure = null, Mock<IReplicationLedger>? ledger = null, bool kestrel = false)
    {
        SecretLeakGuard.Register(Key);
        ledger ??= new Mock<IReplicationLedger>(MockBehavior.Strict);
        var source = new Mock<ISecretSource>(MockBehavior.Strict);
        source.SetupGet(s => s.VaultName).Returns(VaultName);
        var target = new Mock<ISecretTarget>(MockBehavior.Strict);

        WebApplicationBuilder builder = ServeHost.CreateBuilder(
            [],
            options =>
            {
                options.DeliveryKey = Key;
                configure?.Invoke(options);
            },
            services =>
            {
                services.AddOptions<ReplicationOptions>();
                services.AddSingleton(source.Object);
                services.AddSingleton(target.Object);
                services.AddSingleton(ledger.Object);
                services.AddSingleton<SecretReplicator>();
                services.AddSingleton<KeyVaultEventProcessor>();
            });
        var logs = new CapturedLogs();
        builder.Logging.AddProvider(logs);
        if (kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        WebApplication app = ServeHost.Build(builder);
        await app.StartAsync();
        return new ServeTestHost(app, ledger, logs, kestrel ? new Uri(app.Urls.Single()) : null);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
