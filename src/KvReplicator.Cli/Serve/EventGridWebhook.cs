using System.Globalization;
using System.Net.Http.Headers;
using KvReplicator.Events;
using KvReplicator.Replication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.Cli.Serve;

/// <summary>
/// The Event Grid webhook: answers both validation handshakes, refuses deliveries without the key, and maps
/// the core's <see cref="DeliveryDisposition"/> to the status codes that make Event Grid do the right thing
/// (200 done; 400 dead-letter at once; 503 retry on its schedule).
/// </summary>
internal sealed partial class EventGridWebhook
{
    private static readonly string[] s_acceptedMediaTypes = ["application/json", "application/cloudevents+json", "application/cloudevents-batch+json"];

    private readonly KeyVaultEventProcessor _processor;
    private readonly DeliveryKeyAuthenticator _authenticator;
    private readonly ServeOptions _options;
    private readonly ILogger<EventGridWebhook> _logger;

    public EventGridWebhook(KeyVaultEventProcessor processor, DeliveryKeyAuthenticator authenticator, IOptions<ServeOptions> options, ILogger<EventGridWebhook> logger)
    {
        _processor = processor;
        _authenticator = authenticator;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>
    /// The CloudEvents abuse-protection handshake. Granting the origin only lets it try: every delivery still
    /// needs the key, so the handshake itself needs none (Event Grid may not send delivery headers with it).
    /// </summary>
    public Task HandleOptionsAsync(HttpContext context)
    {
        string? origin = context.Request.Headers["WebHook-Request-Origin"];
        if (string.IsNullOrWhiteSpace(origin))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        }

        context.Response.Headers["WebHook-Allowed-Origin"] = origin;
        context.Response.Headers["WebHook-Allowed-Rate"] = "*";
        context.Response.Headers.Allow = "POST, OPTIONS";
        context.Response.StatusCode = StatusCodes.Status200OK;
        return Task.CompletedTask;
    }

    public async Task HandlePostAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        bool handshake = string.Equals(request.Headers["aeg-event-type"], "SubscriptionValidation", StringComparison.OrdinalIgnoreCase);

        // Only the handshake is answered without the key: it does no work and echoes only what it was sent.
        if (!handshake && !_authenticator.IsAuthorized(request))
        {
            LogUnauthorized(context.Connection.RemoteIpAddress?.ToString());
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (!HasJsonContentType(request))
        {
            await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "deliveries must be JSON (application/json or application/cloudevents[-batch]+json)").ConfigureAwait(false);
            return;
        }

        (BinaryData? body, int refusal) = await ReadBodyAsync(request, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            await RefuseBodyAsync(context, refusal).ConfigureAwait(false);
            return;
        }

        // A validation event is only ever answered, never processed, whichever header it came with.
        if (SubscriptionValidationRequest.TryRead(body.ToMemory(), out string? code))
        {
            await AnswerValidationAsync(context, code).ConfigureAwait(false);
            return;
        }

        if (handshake)
        {
            await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "aeg-event-type is SubscriptionValidation but the body is not one validation event").ConfigureAwait(false);
            return;
        }

        DeliveryResult result = await _processor.ProcessAsync(body, context.RequestAborted).ConfigureAwait(false);
        LogDelivery(result.Events.Count, result.Disposition, result.Summary);
        switch (result.Disposition)
        {
            case DeliveryDisposition.Completed:
                context.Response.StatusCode = StatusCodes.Status200OK;
                await context.Response.WriteAsJsonAsync(new DeliveryResponse("Completed", result.Events.Count, null), context.RequestAborted).ConfigureAwait(false);
                break;
            case DeliveryDisposition.RetryLater:
                context.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await WriteResultAsync(context, StatusCodes.Status503ServiceUnavailable, "RetryLater", result).ConfigureAwait(false);
                break;
            default:
                await WriteResultAsync(context, StatusCodes.Status400BadRequest, "Rejected", result).ConfigureAwait(false);
                break;
        }
    }

    private async Task AnswerValidationAsync(HttpContext context, string? code)
    {
        if (code is null)
        {
            await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "validation event has no validationCode").ConfigureAwait(false);
            return;
        }

        LogValidation(context.Request.Headers["aeg-subscription-name"].ToString());
        context.Response.StatusCode = StatusCodes.Status200OK;
        await context.Response.WriteAsJsonAsync(new ValidationResponse(code), context.RequestAborted).ConfigureAwait(false);
    }

    private static bool HasJsonContentType(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? contentType) &&
        s_acceptedMediaTypes.Contains(contentType.MediaType, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Reads the body, or returns null and the status to refuse it with: 413 as soon as it is known to exceed the
    /// limit (from Content-Length, from what arrived, or from Kestrel's own cut-off of a chunked body), 408 when
    /// Kestrel cut off a body arriving too slowly, 400 for a malformed one, 0 when the client went away.
    /// </summary>
    /// <remarks>
    /// Kestrel refuses these while the body is read and reports each refusal itself, once (see
    /// <see cref="KestrelRejectionLog"/>); caught here, they get the webhook's answer with its reason instead of
    /// Kestrel's bare one, and no "unhandled exception" with a stack trace for what is only a hostile or broken client.
    /// </remarks>
    private async Task<(BinaryData? Body, int Refusal)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        int limit = _options.MaxBodyBytes;
        if (request.ContentLength > limit)
        {
            return (null, StatusCodes.Status413PayloadTooLarge);
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return (null, StatusCodes.Status413PayloadTooLarge);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException refused)
        {
            return (null, refused.StatusCode is StatusCodes.Status413PayloadTooLarge or StatusCodes.Status408RequestTimeout ? refused.StatusCode : StatusCodes.Status400BadRequest);
        }
        catch (Exception ex) when (ex is IOException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The client hung up mid-body: nobody is left to answer.
            return (null, 0);
        }

        return (BinaryData.FromBytes(buffer.ToArray()), 0);
    }

    private Task RefuseBodyAsync(HttpContext context, int status)
    {
        if (status == 0 || context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        string reason = status switch
        {
            StatusCodes.Status413PayloadTooLarge => $"delivery is larger than {_options.MaxBodyBytes} bytes",
            StatusCodes.Status408RequestTimeout => $"delivery body arrived slower than {_options.MinRequestBodyBytesPerSecond} bytes per second",
            _ => "delivery body is not valid HTTP (malformed chunked encoding or a short body)",
        };
        return WriteProblemAsync(context, status, reason);
    }

    private static Task WriteResultAsync(HttpContext context, int status, string disposition, DeliveryResult result)
    {
        context.Response.StatusCode = status;
        // The summary names secrets and versions, never values: safe to send back to Event Grid.
        return context.Response.WriteAsJsonAsync(new DeliveryResponse(disposition, result.Events.Count, result.Summary), context.RequestAborted);
    }

    private static Task WriteProblemAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new DeliveryResponse("Rejected", 0, detail), context.RequestAborted);
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Refused a delivery without a valid key from {RemoteAddress}")]
    private partial void LogUnauthorized(string? remoteAddress);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Answered the Event Grid validation handshake of subscription {Subscription}")]
    private partial void LogValidation(string subscription);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Delivery of {EventCount} event(s): {Disposition} {Summary}")]
    private partial void LogDelivery(int eventCount, DeliveryDisposition disposition, string summary);
}
