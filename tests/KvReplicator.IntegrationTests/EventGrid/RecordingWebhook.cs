using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvReplicator.IntegrationTests.EventGrid;

/// <summary>
/// A real Kestrel webhook on a free loopback port: answers Event Grid's handshakes (unless told not to),
/// records every request and answers notifications with scripted status codes (then 200).
/// </summary>
public sealed class RecordingWebhook : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private RecordingWebhook(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>Refuse the validation handshakes, to see a subscription fail.</summary>
    public bool RefuseHandshake { get; set; }

    /// <summary>The status every notification gets once the script is used up.</summary>
    public int DefaultStatus { get; set; } = StatusCodes.Status200OK;

    /// <summary>Runs before a notification is answered, e.g. to move a fake clock.</summary>
    public Action<RecordedRequest>? OnNotification { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public IReadOnlyList<RecordedRequest> Notifications => [.. _requests.Where(r => r.IsNotification)];

    public static async Task<RecordingWebhook> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        RecordingWebhook? webhook = null;
        app.Run(context => webhook!.HandleAsync(context));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        webhook = new RecordingWebhook(app, new Uri(new Uri(address), "/api/events"));
        return webhook;
    }

    /// <summary>Answers the next notifications with these statuses, in order.</summary>
    public void Script(params int[] statuses)
    {
        foreach (int status in statuses)
        {
            _script.Enqueue(status);
        }
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        string body = await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted);
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var recorded = new RecordedRequest(request.Method, request.ContentType, headers, request.QueryString.Value ?? "", body);
        _requests.Enqueue(recorded);

        if (HttpMethods.IsOptions(request.Method))
        {
            if (!RefuseHandshake)
            {
                context.Response.Headers["WebHook-Allowed-Origin"] = request.Headers["WebHook-Request-Origin"];
            }

            return;
        }

        if (recorded.Header("aeg-event-type") == "SubscriptionValidation")
        {
            if (RefuseHandshake)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using JsonDocument document = JsonDocument.Parse(body);
            string code = document.RootElement[0].GetProperty("data").GetProperty("validationCode").GetString()!;
            await context.Response.WriteAsJsonAsync(new { validationResponse = code });
            return;
        }

        OnNotification?.Invoke(recorded);
        context.Response.StatusCode = _script.TryDequeue(out int status) ? status : DefaultStatus;
    }
}
