using System.Diagnostics;
using KvReplicator.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace KvReplicator.Cli.Serve;

/// <summary>
/// <c>kvrep serve</c>'s telemetry: the replicator's meter, ASP.NET Core's and HttpClient's, on a Prometheus scrape
/// endpoint (<see cref="MetricsPath"/>); and, when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, traces
/// (the replicator's spans, the Azure SDK's, requests and outgoing HTTP), metrics and logs over OTLP.
/// </summary>
internal static class ServeTelemetry
{
    /// <summary>Where Prometheus scrapes. Unauthenticated, like every exporter's: no series carries a name or a value.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The OpenTelemetry SDK's own setting (environment or configuration); OTLP is off without it.</summary>
    internal const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    // Azure.Core's span of an HTTP attempt, which HttpClient's span of the same request would only repeat.
    private const string AzureHttpSource = "Azure.Core.Http";

    public static void Add(WebApplicationBuilder builder)
    {
        OpenTelemetryBuilder telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(KvReplicatorTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter());

        // Spans are made only when something exports them.
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]))
        {
            KvReplicatorTelemetry.EnableAzureSdkActivities();
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(KvReplicatorTelemetry.Name, KvReplicatorTelemetry.AzureSdkSources)
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbe(context.Request.Path))
                    .AddHttpClientInstrumentation(options => options.FilterHttpRequestMessage = _ => Activity.Current?.Parent?.Source.Name != AzureHttpSource))
                .UseOtlpExporter();
        }
    }

    public static void Map(WebApplication app) => app.MapPrometheusScrapingEndpoint(MetricsPath);

    // Scrapes and health probes every few seconds would bury the deliveries' traces.
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/readyz", StringComparison.OrdinalIgnoreCase);
}
