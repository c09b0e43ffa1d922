using KvReplicator.Cli.Serve;
using KvReplicator.DependencyInjection;
using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using KvReplicator.Testing;
using KvReplicator.Tests.Fakes;

namespace KvReplicator.Tests.Serve;

/// <summary>
/// <c>kvrep serve</c> on a TestServer (or, when asked, on Kestrel on loopback, for what only a real server does:
/// limits, slow clients, raw HTTP) over the real pipeline (<see cref="KeyVaultEventProcessor"/> and
/// <see cref="SecretReplicator"/>) with in-memory stores, so tests drive outcomes through the ledger and stores.
/// Every log line is kept in <see cref="Logs"/>.
/// </summary>
internal sealed class ServeTestHost : IAsyncDisposable
{
    public const string VaultName = "kvrep-test";
    public const string Key = "test-delivery-key-0123456789abcdef0123456789";

    private ServeTestHost(WebApplication app, InMemoryReplicationLedger ledger, InMemorySecretSource source, InMemorySecretsManager target, CapturedLogs logs, Uri? address)
    {
        App = app;
        Ledger = ledger;
        Source = source;
        Target = target;
        Logs = logs;
        Address = address;
        Client = address is null ? app.GetTestClient() : new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public CapturedLogs Logs { get; }

    /// <summary>Kestrel's loopback address; null on a TestServer.</summary>
    public Uri? Address { get; }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public InMemoryReplicationLedger Ledger { get; }

    public InMemorySecretSource Source { get; }

    public InMemorySecretsManager Target { get; }

    /// <summary>The record name of a secret of the test vault, as the ledger reads it.</summary>
    public static string RecordOf(string secretName) => new LedgerKey(VaultName, secretName).RecordName;

    /// <summary>A ledger that records each version as done: its delivery is answered without a Key Vault read or an AWS call.</summary>
    public static InMemoryReplicationLedger LedgerSayingDone(params (string SecretName, string Version)[] versions)
    {
        var ledger = new InMemoryReplicationLedger();
        foreach (IGrouping<string, (string SecretName, string Version)> secret in versions.GroupBy(v => v.SecretName))
        {
            SecretLedgerState state = SecretLedgerState.Empty(new LedgerKey(VaultName, secret.Key));
            foreach ((_, string version) in secret)
            {
                state = state.WithDone(new LedgerDoneVersion(version, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
            }

            ledger.Put(state);
        }

        return ledger;
    }

    public static async Task<ServeTestHost> StartAsync(Action<ServeOptions>? configure = null, InMemoryReplicationLedger? ledger = null, bool kestrel = false)
    {
        SecretLeakGuard.Register(Key);
        ledger ??= new InMemoryReplicationLedger();
        var source = new InMemorySecretSource(VaultName);
        var target = new InMemorySecretsManager();

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
                services.AddSingleton<ISecretSource>(source);
                services.AddSingleton<ISecretTarget>(target);
                services.AddSingleton<IReplicationLedger>(ledger);
                services.AddReplicationPipeline();
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
        return new ServeTestHost(app, ledger, source, target, logs, kestrel ? new Uri(app.Urls.Single()) : null);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
