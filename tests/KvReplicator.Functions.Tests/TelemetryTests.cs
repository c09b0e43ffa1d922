using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Monitor.OpenTelemetry.Exporter;
using KvReplicator.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace KvReplicator.Functions.Tests;

/// <summary>
/// With an Application Insights connection string the worker exports the core's Meter and ActivitySource
/// (named <see cref="KvReplicatorTelemetry.Name"/>) and the Azure SDK's spans; without one it registers no
/// exporter at all.
/// </summary>
public sealed class TelemetryTests
{
    // Loopback endpoints that refuse connections: nothing leaves the machine. The exporter's own usage
    // telemetry (Statsbeat) would call a fixed Microsoft endpoint, so it is switched off for this test process.
    private const string ConnectionString =
        "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/;LiveEndpoint=http://127.0.0.1:9/";

    static TelemetryTests() => Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");

    [Fact]
    public void With_a_connection_string_the_core_meter_and_the_replicators_and_Azure_SDKs_spans_are_exported()
    {
        // Beside Azure Monitor's exporter, in-memory ones on the host's own providers: the test suite's leak guard
        // listens to the same sources process-wide, so only what reaches these proves the host subscribed.
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using IHost host = BuildHost(ConnectionString, services => services
            .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))
            .ConfigureOpenTelemetryMeterProvider(metering => metering.AddInMemoryExporter(metrics)));
        TracerProvider tracerProvider = host.Services.GetRequiredService<TracerProvider>();
        MeterProvider meterProvider = host.Services.GetRequiredService<MeterProvider>();

        using (var source = new ActivitySource(KvReplicatorTelemetry.Name))
        using (var azure = new ActivitySource("Azure.Security.KeyVault.Secrets.SecretClient"))
        using (var other = new ActivitySource(KvReplicatorTelemetry.Name + ".Unrelated"))
        {
            source.StartActivity("ours")?.Dispose();
            azure.StartActivity("SecretClient.GetSecret")?.Dispose();
            other.StartActivity("theirs")?.Dispose();
        }

        using (var meter = new Meter(KvReplicatorTelemetry.Name))
        {
            meter.CreateCounter<long>("kvrep.deliveries").Add(1);
            meterProvider.ForceFlush();
        }

        tracerProvider.ForceFlush();

        // The host listens process-wide, so spans of tests running beside this one may be exported too: only this
        // test's three are looked at.
        string[] mine = ["ours", "SecretClient.GetSecret", "theirs"];
        Assert.Equal(["ours", "SecretClient.GetSecret"], spans.Select(span => span.DisplayName).Where(mine.Contains));
        Assert.Contains(metrics, metric => metric.Name == "kvrep.deliveries");
    }

    [Fact]
    public void Without_a_connection_string_nothing_is_exported()
    {
        using IHost host = BuildHost(connectionString: "");

        Assert.Null(host.Services.GetService<TracerProvider>());
        Assert.Null(host.Services.GetService<MeterProvider>());
    }

    private static IHost BuildHost(string connectionString, Action<IServiceCollection>? registerFirst = null)
    {
        Dictionary<string, string?> settings = WorkerHost.ExampleSettings();
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = connectionString;
        return WorkerHost.Build(settings, services =>
        {
            services.Configure<AzureMonitorExporterOptions>(options =>
            {
                // Nothing written to disk when the (refused) export fails, no live-metrics polling.
                options.DisableOfflineStorage = true;
                options.EnableLiveMetrics = false;
            });
            registerFirst?.Invoke(services);
        });
    }
}
