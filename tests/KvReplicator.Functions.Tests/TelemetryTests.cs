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
/// (named <see cref="KvReplicatorTelemetry.Name"/>); without one it registers no exporter at all.
/// </summary>
public sealed class TelemetryTests
{
    // Loopback endpoints that refuse connections: nothing leaves the machine. The exporter's own usage
    // telemetry (Statsbeat) would call a fixed Microsoft endpoint, so it is switched off for this test process.
    private const string ConnectionString =
        "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/;LiveEndpoint=http://127.0.0.1:9/";

    static TelemetryTests() => Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");

    [Fact]
    public void With_a_connection_string_the_core_meter_and_activity_source_are_exported()
    {
        using IHost host = BuildHost(ConnectionString);

        Assert.NotNull(host.Services.GetService<TracerProvider>());
        Assert.NotNull(host.Services.GetService<MeterProvider>());
        using var source = new ActivitySource(KvReplicatorTelemetry.Name);
        using var other = new ActivitySource(KvReplicatorTelemetry.Name + ".Unrelated");
        Assert.True(source.HasListeners());
        Assert.False(other.HasListeners());
        using var meter = new Meter(KvReplicatorTelemetry.Name);
        Assert.True(meter.CreateCounter<long>("kvrep.deliveries").Enabled);
    }

    [Fact]
    public void Without_a_connection_string_nothing_is_exported()
    {
        using IHost host = BuildHost(connectionString: "");

        Assert.Null(host.Services.GetService<TracerProvider>());
        Assert.Null(host.Services.GetService<MeterProvider>());
    }

    private static IHost BuildHost(string connectionString)
    {
        Dictionary<string, string?> settings = WorkerHost.ExampleSettings();
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = connectionString;
        return WorkerHost.Build(settings, services => services.Configure<AzureMonitorExporterOptions>(options =>
        {
            // Nothing written to disk when the (refused) export fails, no live-metrics polling.
            options.DisableOfflineStorage = true;
            options.EnableLiveMetrics = false;
        }));
    }
}
