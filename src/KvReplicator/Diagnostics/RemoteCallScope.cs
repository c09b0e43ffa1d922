using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace KvReplicator.Diagnostics;

/// <summary>
/// Measures one call to a remote service: a client span (named <c>Service.Operation</c>, with OpenTelemetry's
/// rpc/http attributes) and the <c>kvrep.remote_call.duration</c> histogram by service, operation and result.
/// The SDK's own spans of the call (Azure.Core's HTTP span, HttpClient's) start inside it and so become its
/// children. <see cref="RemoteCallPolicy"/> and <see cref="RemoteCallHandler"/> open it.
/// </summary>
/// <remarks>
/// <c>kvrep.result</c> is <c>ok</c> for a 2xx answer, the status code for any other answer (404 and 412 are normal
/// answers of the replicator's reads and conditional writes), or, without an answer, <c>timeout</c>,
/// <c>canceled</c> or <c>network_error</c>. With no listener the scope is a timestamp and nothing else.
/// </remarks>
internal readonly struct RemoteCallScope
{
    public const string Ok = "ok";
    public const string Timeout = "timeout";
    public const string Canceled = "canceled";
    public const string NetworkError = "network_error";

    // Seconds: OpenTelemetry's advice for HTTP client durations, stretched to the SDKs' own timeouts.
    private static readonly double[] s_buckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60];

    private static readonly Histogram<double> s_duration = KvReplicatorTelemetry.Meter.CreateHistogram(
        TelemetryNames.RemoteCallDuration, "s", "Time of one call to Key Vault, Blob Storage, Secrets Manager, STS or Roles Anywhere, by service, operation and result.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_buckets });

    // Status codes as tag values, made once.
    private static readonly string[] s_statusCodes = [.. Enumerable.Range(0, 600).Select(code => code.ToString(CultureInfo.InvariantCulture))];

    private readonly RemoteOperation _operation;
    private readonly Activity? _span;
    private readonly long _started;

    private RemoteCallScope(RemoteOperation operation, Activity? span)
    {
        _operation = operation;
        _span = span;
        _started = Stopwatch.GetTimestamp();
    }

    public static RemoteCallScope Start(RemoteOperation operation, string httpMethod, Uri? uri)
    {
        Activity? span = KvReplicatorTelemetry.Source.HasListeners()
            ? KvReplicatorTelemetry.Source.StartActivity(operation.SpanName, ActivityKind.Client)
            : null;
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(TelemetryNames.Service, operation.Service);
            span.SetTag(TelemetryNames.Operation, operation.Name);
            if (operation.RpcSystem is not null)
            {
                span.SetTag("rpc.system", operation.RpcSystem);
                span.SetTag("rpc.service", operation.RpcService);
                span.SetTag("rpc.method", operation.Name);
            }
            else
            {
                span.SetTag("az.namespace", operation.AzureNamespace);
            }

            span.SetTag("http.request.method", httpMethod);
            if (uri is not null)
            {
                // Host and port only: the path holds secret and blob names, the query paging tokens.
                span.SetTag("server.address", uri.Host);
                span.SetTag("server.port", uri.Port);
            }
        }

        return new RemoteCallScope(operation, span);
    }

    /// <summary>True when the span records attributes: only then is a request id worth reading.</summary>
    public bool IsTraced => _span is { IsAllDataRequested: true };

    /// <summary>The service answered (any status).</summary>
    /// <param name="requestIdName">The attribute for the service's request id (<c>aws.request_id</c>, <c>az.service_request_id</c>).</param>
    public void Answered(int status, string? requestIdName = null, string? requestId = null)
    {
        string result = status is >= 200 and < 300 ? Ok : StatusCode(status);
        Record(result);
        if (_span is null)
        {
            return;
        }

        if (_span.IsAllDataRequested)
        {
            _span.SetTag(TelemetryNames.Result, result);
            _span.SetTag("http.response.status_code", status);
            if (requestIdName is not null && requestId is not null)
            {
                _span.SetTag(requestIdName, requestId);
            }

            if (status >= 400)
            {
                // As OpenTelemetry's HTTP conventions have it: the status code is the error type.
                _span.SetTag("error.type", result);
                _span.SetStatus(ActivityStatusCode.Error);
            }
        }

        _span.Dispose();
    }

    /// <summary>No answer: the call was cancelled by its caller, timed out, or failed on the network.</summary>
    public void Failed(Exception exception, bool canceledByCaller)
    {
        string result = canceledByCaller ? Canceled : exception is OperationCanceledException ? Timeout : NetworkError;
        Record(result);
        if (_span is null)
        {
            return;
        }

        _span.SetTag(TelemetryNames.Result, result);
        ReplicationTelemetry.MarkFailed(_span, exception);
        _span.Dispose();
    }

    private static string StatusCode(int status) => (uint)status < (uint)s_statusCodes.Length ? s_statusCodes[status] : "other";

    private void Record(string result)
    {
        if (s_duration.Enabled)
        {
            s_duration.Record(
                Stopwatch.GetElapsedTime(_started).TotalSeconds,
                new TagList { { TelemetryNames.Service, _operation.Service }, { TelemetryNames.Operation, _operation.Name }, { TelemetryNames.Result, result } });
        }
    }
}
