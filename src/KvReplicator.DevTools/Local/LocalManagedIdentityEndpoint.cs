using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvReplicator.DevTools.Local;

/// <summary>
/// The managed identity endpoint a container platform gives a workload (Azure Container Apps and App Service:
/// <c>IDENTITY_ENDPOINT</c> and <c>IDENTITY_HEADER</c>), on loopback. A process configured only by its environment
/// gets its Entra ID tokens here through the unchanged <c>DefaultAzureCredential</c>; the tokens are fixed fakes
/// that only the local Key Vault and moto's STS accept. The published-serve test and <c>kvrep-dev bench --delivery
/// process</c> give it to the <c>kvrep serve</c> processes they start.
/// </summary>
internal sealed class LocalManagedIdentityEndpoint : IAsyncDisposable
{
    public const string Token = "local-managed-identity-token";

    private readonly WebApplication _app;

    private LocalManagedIdentityEndpoint(WebApplication app, string header)
    {
        _app = app;
        Header = header;
    }

    public Uri Endpoint => new(new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()), "/msi/token");

    /// <summary>The value the platform puts in <c>IDENTITY_HEADER</c>; requests without it are refused.</summary>
    public string Header { get; }

    /// <summary>The resources tokens were asked for, e.g. <c>https://vault.azure.net</c>.</summary>
    public ConcurrentQueue<string> Resources { get; } = new();

    /// <param name="onTokenRequest">Told the resource of every token asked for (the bench counts them).</param>
    public static async Task<LocalManagedIdentityEndpoint> StartAsync(Action<string>? onTokenRequest = null, CancellationToken cancellationToken = default)
    {
        string header = RandomNumberGenerator.GetHexString(32, lowercase: true);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        var endpoint = new LocalManagedIdentityEndpoint(app, header);
        app.MapGet("/msi/token", (HttpContext context) =>
        {
            if (context.Request.Headers["X-IDENTITY-HEADER"] != header)
            {
                return Results.Json(new { error = "invalid_request", error_description = "X-IDENTITY-HEADER is missing or wrong" }, statusCode: StatusCodes.Status400BadRequest);
            }

            string resource = context.Request.Query["resource"].ToString();
            endpoint.Resources.Enqueue(resource);
            onTokenRequest?.Invoke(resource);
            return Results.Json(new Dictionary<string, string>
            {
                ["access_token"] = Token,
                ["expires_on"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["resource"] = resource,
                ["token_type"] = "Bearer",
            });
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return endpoint;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
