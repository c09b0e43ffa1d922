using System.Net.Http.Headers;
using System.Security.Cryptography;
using KvReplicator.Cli.Serve;
using KvReplicator.LocalCloud.EventGrid;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Deliveries over HTTP to an in-process <c>kvrep serve</c> (the real <see cref="ServeHost"/> on Kestrel, on
/// loopback), posted as Event Grid's webhook delivery posts them: the figures include the HTTP hop, the
/// key check and the webhook, as production's do.
/// </summary>
internal sealed class ServeDelivery : IBenchDelivery
{
    private readonly WebApplication _app;
    private readonly HttpClient _client;
    private readonly Uri _endpoint;
    private readonly string _key;
    private readonly DeliveryProbes _probes;
    private readonly MediaTypeHeaderValue _contentType;

    private ServeDelivery(WebApplication app, Uri endpoint, string key, DeliveryProbes probes, EventDeliverySchema schema)
    {
        _app = app;
        _endpoint = endpoint;
        _key = key;
        _probes = probes;
        _contentType = ContentType(schema);
        _client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
    }

    public string Description => $"http: POST to an in-process kvrep serve on Kestrel ({_endpoint.GetLeftPart(UriPartial.Authority)}), as Event Grid's webhook delivery does";

    /// <param name="addReplicator">Registers the replicator, its counters included, in the serve host.</param>
    public static async Task<ServeDelivery> StartAsync(Action<IServiceCollection> addReplicator, RemoteCallCounter counter, EventDeliverySchema schema, CancellationToken cancellationToken = default)
    {
        string key = RandomNumberGenerator.GetHexString(48, lowercase: true);
        var probes = new DeliveryProbes();
        WebApplicationBuilder builder = ServeHost.CreateBuilder([], options => options.DeliveryKey = key, services =>
        {
            addReplicator(services);
            services.AddSingleton<IStartupFilter>(new DeliveryAttributionFilter(probes, counter));
        });

        // The console logger would cost more than the replication it reports; the observer reads the outcomes.
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new OutcomeLogObserver(probes));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = ServeHost.Build(builder);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ServeDelivery(app, new Uri(new Uri(address), "/api/events"), key, probes, schema);
    }

    public async Task<DeliveryKind> DeliverAsync(PlannedDelivery delivery, CallTally calls, CancellationToken cancellationToken = default)
    {
        var probe = new DeliveryProbe(calls);
        string id = _probes.Register(probe);
        try
        {
            using HttpRequestMessage request = WebhookRequest(_endpoint, _key, _contentType, delivery);
            request.Headers.Add(DeliveryProbes.HeaderName, id);
            using HttpResponseMessage response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);

            // 200 and 503 carry the pipeline's outcomes; anything else means the webhook refused the delivery.
            return (int)response.StatusCode is 200 or 503 ? DirectDelivery.Classify(probe.Outcomes) : DeliveryKind.Failed;
        }
        finally
        {
            _probes.Remove(id);
        }
    }

    /// <summary>The media type Event Grid posts a delivery of <paramref name="schema"/> with.</summary>
    internal static MediaTypeHeaderValue ContentType(EventDeliverySchema schema) =>
        new(schema == EventDeliverySchema.CloudEventSchemaV1_0 ? "application/cloudevents+json" : "application/json");

    /// <summary>A delivery as Event Grid's webhook posts it: the body, its media type, the event-type header and the delivery key.</summary>
    internal static HttpRequestMessage WebhookRequest(Uri endpoint, string key, MediaTypeHeaderValue contentType, PlannedDelivery delivery)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ReadOnlyMemoryContent(delivery.Body.ToMemory()) };
        request.Content.Headers.ContentType = contentType;
        request.Headers.Add("aeg-event-type", "Notification");
        request.Headers.Add(DeliveryKeyAuthenticator.HeaderName, key);
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
