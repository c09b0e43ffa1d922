using KvReplicator.DependencyInjection;
using KvReplicator.Events;
using KvReplicator.Replication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.Cli.Serve;

/// <summary>
/// Builds the <c>kvrep serve</c> web host: the Event Grid webhook over <see cref="KeyVaultEventProcessor"/>,
/// health endpoints, metrics (<see cref="ServeTelemetry"/>) and graceful shutdown. Used by <c>kvrep serve</c>, by <c>kvrep demo</c> and by tests
/// (with <c>UseTestServer</c>).
/// </summary>
public static class ServeHost
{
    /// <param name="args">Host arguments (configuration on the command line).</param>
    /// <param name="configureOptions">Applied after configuration binding, e.g. a generated key for the demo.</param>
    /// <param name="configureServices">Registers or replaces services, e.g. the pipeline in tests.</param>
    /// <param name="configureConfiguration">
    /// Adds configuration sources (<c>kvrep serve --config</c>) before anything is registered: some registrations
    /// decide from configuration at once (whether dead letters are written, which Azure credential is used).
    /// </param>
    public static WebApplicationBuilder CreateBuilder(
        string[] args, Action<ServeOptions>? configureOptions = null, Action<IServiceCollection>? configureServices = null, Action<IConfigurationBuilder>? configureConfiguration = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        configureConfiguration?.Invoke(builder.Configuration);

        // Request logs carry the full URL, and a delivery key may ride in its ?code= query.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        // Two Information lines per request from routing would let any caller, a hostile one first, write the log;
        // what serve has to say about a request it says itself, in one line at most.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Four Information lines per outbound call from IHttpClientFactory's handlers; failures still show as warnings.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        // Kestrel's refusals (slow headers, slow or oversized bodies, malformed HTTP), once each at Warning.
        builder.Services.AddSingleton<ILoggerProvider, KestrelRejectionLog>();
        builder.Logging.AddFilter<KestrelRejectionLog>(KestrelRejectionLog.Category, LogLevel.Debug);

        builder.Services.AddOptions<ServeOptions>()
            .Bind(builder.Configuration.GetSection(ServeOptions.SectionName))
            .Configure(options => configureOptions?.Invoke(options))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ServeOptions>, ServeOptionsValidator>();
        builder.Services.AddOptions<HostOptions>()
            .Configure<IOptions<ServeOptions>>((host, serve) => host.ShutdownTimeout = serve.Value.ShutdownTimeout);
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ServeOptions>>((kestrel, serve) => LimitSlowAndLargeRequests(kestrel.Limits, serve.Value));
        builder.Services.AddSingleton<DeliveryKeyAuthenticator>();
        builder.Services.AddSingleton<EventGridWebhook>();
        ServeTelemetry.Add(builder);

        // A caller that supplies services (tests, the demo) brings its own pipeline; otherwise configuration does.
        if (configureServices is null)
        {
            builder.Services.AddKvReplicator(builder.Configuration);
        }
        else
        {
            configureServices(builder.Services);
        }
        return builder;
    }

    /// <summary>
    /// Kestrel's own limits keep hostile clients from tying up the server before the webhook sees them: slow
    /// headers and trickled bodies are cut off, and a body beyond the delivery limit is refused while it is read.
    /// </summary>
    /// <remarks>
    /// Kestrel's body limit is the webhook's, exactly: then every oversized body, announced or chunked, is refused
    /// by Kestrel too (while the webhook reads it, or while Kestrel drains what the webhook did not read), and
    /// reported once by <see cref="KestrelRejectionLog"/>, while the webhook answers with its reason.
    /// </remarks>
    internal static void LimitSlowAndLargeRequests(KestrelServerLimits limits, ServeOptions serve)
    {
        limits.RequestHeadersTimeout = serve.RequestHeadersTimeout;
        limits.MinRequestBodyDataRate = new MinDataRate(serve.MinRequestBodyBytesPerSecond, serve.MinRequestBodyGracePeriod);
        limits.MaxRequestBodySize = serve.MaxBodyBytes;
    }

    /// <summary>Builds the app and maps its endpoints; fails at once when no replication pipeline is registered.</summary>
    /// <exception cref="ServeConfigurationException">No <see cref="KeyVaultEventProcessor"/> is registered.</exception>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Here rather than in CreateBuilder: the command adds the --config file to the configuration in between.
        ScheduledReconcileService.AddIfScheduled(builder.Services, builder.Configuration);
        WebApplication app = builder.Build();
        if (app.Services.GetService<IServiceProviderIsService>()?.IsService(typeof(KeyVaultEventProcessor)) != true)
        {
            throw new ServeConfigurationException(
                "kvrep serve has no replication pipeline: no KeyVaultEventProcessor is registered. " +
                "Configure the KvReplicator sections (source vault, AWS target, ledger) so AddKvReplicator can register it.");
        }

        string eventsPath = app.Services.GetRequiredService<IOptions<ServeOptions>>().Value.EventsPath;
        IHostApplicationLifetime lifetime = app.Lifetime;

        // Once shutdown starts, new deliveries get 503 (Event Grid retries them later, elsewhere or here
        // after the restart); deliveries already running finish within the host's shutdown timeout.
        app.Use((context, next) =>
        {
            if (lifetime.ApplicationStopping.IsCancellationRequested && !context.Request.Path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "10";
                return Task.CompletedTask;
            }

            return next(context);
        });

        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        ServeTelemetry.Map(app);
        app.MapGet("/readyz", (IHostApplicationLifetime life) => life.ApplicationStopping.IsCancellationRequested
            ? Results.Json(new { status = "stopping" }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Ok(new { status = "ready" }));
        app.MapMethods(eventsPath, [HttpMethods.Options], (HttpContext context, EventGridWebhook webhook) => webhook.HandleOptionsAsync(context));
        app.MapPost(eventsPath, (HttpContext context, EventGridWebhook webhook) => webhook.HandlePostAsync(context));
        return app;
    }
}
