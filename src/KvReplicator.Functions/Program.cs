using Azure.Monitor.OpenTelemetry.Exporter;
using KvReplicator.DependencyInjection;
using KvReplicator.Diagnostics;
using KvReplicator.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// CreateBuilder already applies the worker defaults. An Event Grid trigger needs no ASP.NET Core
// integration, so there is no ConfigureFunctionsWebApplication() here.
FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
Program.AddServices(builder.Services, builder.Configuration);
builder.Build().Run();

/// <summary>The worker's own registrations, apart from the worker defaults, so a test composes the same host.</summary>
internal partial class Program
{
    internal static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddKvReplicator(configuration);

        // Before the functions take work: each store answers once, or the worker stops with a line naming the setting.
        services.AddHostedService<PreflightOnStart>();

        // Telemetry leaves as OpenTelemetry (host.json sets "telemetryMode": "OpenTelemetry" to match), so host and
        // worker spans correlate. UseFunctionsWorkerDefaults tells the host that the worker exports its own logs, so
        // the host drops the copies it would log as Function.<name>.User and the worker's log filter
        // (Logging__LogLevel__*) alone decides what reaches Application Insights. Without a connection string
        // (local runs) nothing is exported and the host logs what the worker sends it.
        // The Azure SDK's spans (Key Vault, Blob) nest inside the replicator's remote-call spans.
        if (!string.IsNullOrEmpty(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            KvReplicatorTelemetry.EnableAzureSdkActivities();
            services.AddOpenTelemetry()
                .UseFunctionsWorkerDefaults()
                .WithTracing(tracing => tracing.AddSource(KvReplicatorTelemetry.Name, KvReplicatorTelemetry.AzureSdkSources))
                .WithMetrics(metrics => metrics.AddMeter(KvReplicatorTelemetry.Name))
                .UseAzureMonitorExporter();
        }
    }
}
