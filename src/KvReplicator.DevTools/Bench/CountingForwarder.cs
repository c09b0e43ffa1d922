using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// A loopback reverse proxy (YARP's direct forwarder) in front of one stand-in, counting every request a
/// replicator in another process sends it: the only way to count that process's calls on the wire without
/// touching the binary being measured.
/// </summary>
internal sealed class CountingForwarder : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpMessageInvoker _upstream;

    private CountingForwarder(WebApplication app, HttpMessageInvoker upstream, Uri address)
    {
        _app = app;
        _upstream = upstream;
        Address = address;
    }

    /// <summary>Where the replicator is pointed instead of the stand-in, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <param name="upstream">The stand-in's base address.</param>
    /// <param name="upstreamHandler">How to reach it (e.g. pinned to the local Key Vault's certificate); disposed with the forwarder.</param>
    /// <param name="classify">The service and operation a request is.</param>
    /// <param name="counter">Where the calls are counted; calls of another process are never inside a delivery, so they land in <see cref="RemoteCallCounter.Unattributed"/>.</param>
    /// <param name="certificate">A server certificate to listen with HTTPS (the replicator pins it); null listens with HTTP.</param>
    public static async Task<CountingForwarder> StartAsync(
        Uri upstream,
        HttpMessageHandler upstreamHandler,
        Func<HttpRequest, (RemoteService Service, string Operation)> classify,
        RemoteCallCounter counter,
        X509Certificate2? certificate = null,
        CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        WebApplication app = builder.Build();
        var invoker = new HttpMessageInvoker(upstreamHandler, disposeHandler: true);
        IHttpForwarder forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        string destination = upstream.GetLeftPart(UriPartial.Authority) + "/";
        app.Run(async context =>
        {
            (RemoteService service, string operation) = classify(context.Request);
            long started = Stopwatch.GetTimestamp();
            await forwarder.SendAsync(context, destination, invoker, ForwarderRequestConfig.Empty, OriginalHost.Instance).ConfigureAwait(false);

            // A fresh Azure SDK client's first requests go without a token and are answered 401 with the
            // challenge: a per-process cost (one per request in flight before the first challenge is answered).
            counter.Record(service, context.Response.StatusCode == StatusCodes.Status401Unauthorized ? operation + " (401 challenge)" : operation);
            counter.RecordTime(service, Stopwatch.GetElapsedTime(started));
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        return new CountingForwarder(app, invoker, new Uri(address.GetLeftPart(UriPartial.Authority).Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        _upstream.Dispose();
    }

    /// <summary>Keeps the Host the client sent: AWS signatures cover it, and the stand-ins answer whatever host they are asked as.</summary>
    private sealed class OriginalHost : HttpTransformer
    {
        public static readonly OriginalHost Instance = new();

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
            proxyRequest.Headers.Host = httpContext.Request.Host.Value;
        }
    }
}
