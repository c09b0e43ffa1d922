using Azure.Monitor.OpenTelemetry.Exporter;
using KvReplicator.DependencyInjection;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// CreateBuilder already applies the worker defaults. An Event Grid trigger needs no ASP.NET Core
// integration, so there is no ConfigureFunctionsWebApplication() here.
FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);

builder.Services.AddKvReplicator(builder.Configuration);

// Telemetry leaves as OpenTelemetry (host.json sets "telemetryMode": "OpenTelemetry" to match), so host and
// worker spans correlate. Without a connection string (local runs) nothing is exported.
if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults().UseAzureMonitorExporter();
}

builder.Build().Run();
