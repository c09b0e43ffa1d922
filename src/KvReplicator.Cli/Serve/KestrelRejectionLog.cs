using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvReplicator.Cli.Serve;

/// <summary>
/// Reports each request Kestrel refuses (headers or a body arriving too slowly, a body over the limit, malformed
/// HTTP) as one Warning line without a stack trace. Kestrel says so only at Debug, with the exception and its
/// stack, under <see cref="Category"/>; a slow-header client never reaches the webhook, so this is the only place
/// its refusal can be seen. Registered as a logger provider that listens to that category alone.
/// </summary>
/// <remarks>
/// Kestrel's own sentence is not repeated: for a malformed request line it quotes the line, and a delivery key
/// may ride in its query. The reason is told from the status code Kestrel answers with.
/// </remarks>
internal sealed partial class KestrelRejectionLog : ILoggerProvider
{
    /// <summary>Kestrel's logger for refused requests.</summary>
    public const string Category = "Microsoft.AspNetCore.Server.Kestrel.BadRequests";

    /// <summary>The one event of <see cref="Category"/> that Kestrel writes once per refused request.</summary>
    private const string ConnectionBadRequest = "ConnectionBadRequest";

    private readonly IServiceProvider _services;
    private ILogger? _target;

    public KestrelRejectionLog(IServiceProvider services) => _services = services;

    public ILogger CreateLogger(string categoryName) =>
        categoryName == Category ? new Listener(this) : NullLogger.Instance;

    public void Dispose()
    {
    }

    internal static string Reason(int statusCode, string? kestrelMessage) => statusCode switch
    {
        StatusCodes.Status408RequestTimeout when kestrelMessage?.Contains("body", StringComparison.OrdinalIgnoreCase) == true =>
            "the request body arrived too slowly (KvReplicator:Serve:MinRequestBodyBytesPerSecond)",
        StatusCodes.Status408RequestTimeout => "the request headers arrived too slowly (KvReplicator:Serve:RequestHeadersTimeout)",
        StatusCodes.Status413PayloadTooLarge => "the request body is larger than KvReplicator:Serve:MaxBodyBytes",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "the request headers are too large",
        StatusCodes.Status414UriTooLong => "the request line is too long",
        StatusCodes.Status505HttpVersionNotsupported => "the HTTP version is not supported",
        _ => "the request is not valid HTTP",
    };

    private void Report(object? connectionId, int statusCode, string? kestrelMessage)
    {
        // Resolved on first use: this provider is built while the logger factory it writes through is.
        _target ??= _services.GetRequiredService<ILoggerFactory>().CreateLogger<EventGridWebhook>();
        LogRefused(_target, connectionId?.ToString() ?? "unknown", statusCode, Reason(statusCode, kestrelMessage));
    }

    [LoggerMessage(EventId = 210, Level = LogLevel.Warning, Message = "Refused a request on connection {ConnectionId} with HTTP {StatusCode}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string connectionId, int statusCode, string reason);

    private sealed class Listener(KestrelRejectionLog owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name != ConnectionBadRequest)
            {
                return;
            }

            object? connectionId = null;
            string? message = null;
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach ((string key, object? value) in values)
                {
                    if (key == "ConnectionId")
                    {
                        connectionId = value;
                    }
                    else if (key == "message")
                    {
                        message = value as string;
                    }
                }
            }

            owner.Report(connectionId, (exception as BadHttpRequestException)?.StatusCode ?? StatusCodes.Status400BadRequest, message);
        }
    }
}
