using KvReplicator.Cli.Serve;
using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace KvReplicator.Tests.Serve;

public sealed class ServeTelemetryTests
{
    [Fact]
    public async Task Serve_answers_prometheus_scrapes_and_makes_spans_only_when_an_OTLP_endpoint_is_set()
    {
        await using WebApplication plain = await StartAsync([]);
        await using WebApplication otlp = await StartAsync([$"--{ServeTelemetry.OtlpEndpointSetting}=http://127.0.0.1:9/"]);

        using HttpResponseMessage scraped = await plain.GetTestClient().GetAsync(ServeTelemetry.MetricsPath);
        Assert.Equal(System.Net.HttpStatusCode.OK, scraped.StatusCode);
        Assert.NotNull(plain.Services.GetService<MeterProvider>());
        Assert.Null(plain.Services.GetService<TracerProvider>());
        Assert.NotNull(otlp.Services.GetService<TracerProvider>());
    }

    private static async Task<WebApplication> StartAsync(string[] args)
    {
        var source = new Mock<ISecretSource>();
        source.SetupGet(s => s.VaultName).Returns("kvrep-test");
        WebApplicationBuilder builder = ServeHost.CreateBuilder(args, options => options.DeliveryKey = "telemetry-test-key-0123456789abcdef01234", services =>
        {
            services.AddOptions<ReplicationOptions>();
            services.AddSingleton(source.Object);
            services.AddSingleton(Mock.Of<ISecretTarget>());
            services.AddSingleton(Mock.Of<IReplicationLedger>());
            services.AddSingleton<SecretReplicator>();
            services.AddSingleton<KeyVaultEventProcessor>();
        });
        builder.WebHost.UseTestServer();
        WebApplication app = ServeHost.Build(builder);
        await app.StartAsync();
        return app;
    }
}
