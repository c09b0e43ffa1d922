using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KvReplicator.IntegrationTests.Credentials;

/// <summary>
/// An STS endpoint on a loopback port that answers every call with one canned STS error, the way STS
/// words it (query protocol XML). moto accepts any AssumeRoleWithWebIdentity, so the failure paths of the
/// real SDK client are exercised against this instead. It records the form fields it received.
/// </summary>
internal sealed class StsErrorStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StsErrorStandIn(WebApplication app) => _app = app;

    public Uri Endpoint => new(_app.Urls.Single());

    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Requests { get; } = new();

    public ConcurrentQueue<bool> RequestsHadAuthorization { get; } = new();

    public static async Task<StsErrorStandIn> StartAsync(HttpStatusCode status, string errorCode, string message)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var standIn = new StsErrorStandIn(app);
        app.Run(async context =>
        {
            IFormCollection form = await context.Request.ReadFormAsync();
            standIn.Requests.Enqueue(form.ToDictionary(field => field.Key, field => field.Value.ToString()));
            standIn.RequestsHadAuthorization.Enqueue(context.Request.Headers.ContainsKey("Authorization"));
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = "text/xml";
            await context.Response.WriteAsync(
                $"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{errorCode}</Code><Message>{message}</Message></Error><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>""");
        });
        await app.StartAsync();
        return standIn;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
