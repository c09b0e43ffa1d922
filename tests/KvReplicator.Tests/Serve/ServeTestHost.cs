using KvReplicator.Cli.Serve;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using KvReplicator.Testing;
using Moq;

namespace KvReplicator.Tests.Serve;

/// <summary>
/// <c>kvrep serve</c> on a TestServer over the real pipeline (<see cref="KeyVaultEventProcessor"/> and
/// <see cref="SecretReplicator"/>) with Moq'd ports, so tests drive outcomes through the ledger and stores.
/// </summary>
internal sealed class ServeTestHost : IAsyncDisposable
{
    public const string VaultName = "kvrep-test";
    public const string Key = "test-delivery-key-0123456789abcdef0123456789";

    private ServeTestHost(WebApplication app, Mock<IReplicationLedger> ledger)
    {
        App = app;
        Ledger = ledger;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public Mock<IReplicationLedger> Ledger { get; }

    public static async Task<ServeTestHost> StartAsync(Action<ServeOptions>? configure = null, Mock<IReplicationLedger>? ledger = null)
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
        builder.WebHost.UseTestServer();
        WebApplication app = ServeHost.Build(builder);
        await app.StartAsync();
        return new ServeTestHost(app, ledger);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
