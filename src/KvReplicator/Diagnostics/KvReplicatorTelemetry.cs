using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using Azure.Storage.Blobs.Models;

namespace KvReplicator.Diagnostics;

/// <summary>
/// The replicator's one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named <see cref="Name"/>.
/// Hosts subscribe to them by that name (OpenTelemetry's <c>AddMeter</c> / <c>AddSource</c>); docs/operations.md
/// lists every instrument and span.
/// </summary>
/// <remarks>
/// Static rather than from an <c>IMeterFactory</c>: the pipeline is also built outside a container (tests, the
/// benchmark, the chaos run), and exporters select meters by name whichever way they were made. With nobody
/// listening, an instrument is disabled and a span is never created, so the hot path pays one branch.
/// </remarks>
internal static class KvReplicatorTelemetry
{
    /// <summary>The name of the Meter and of the ActivitySource.</summary>
    public const string Name = "KvReplicator";

    /// <summary>
    /// The Azure SDK's own ActivitySources (<c>Azure.Security.KeyVault.Secrets.SecretClient</c>, <c>Azure.Core.Http</c>,
    /// …), for a host's <c>AddSource</c>: their spans nest around and under the replicator's remote-call spans.
    /// They emit only once <see cref="EnableAzureSdkActivities"/> has run.
    /// </summary>
    public const string AzureSdkSources = "Azure.*";

    /// <summary>The Azure.Core switch that turns its DiagnosticSource scopes into ActivitySource spans.</summary>
    internal const string AzureActivitySourceSwitch = "Azure.Experimental.EnableActivitySource";

    internal static readonly ActivitySource Source = new(Name, typeof(KvReplicatorTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(KvReplicatorTelemetry).Assembly.GetName().Version?.ToString());

    private static readonly Lock s_azureGate = new();
    private static ActivityListener? s_azureRedaction;

    /// <summary>
    /// Makes the Azure SDK emit its spans through ActivitySource, so they join the replicator's traces, with the
    /// description of a failed one cut down to its error type. Azure.Core reads the switch once, when its first
    /// client is made: a host calls this before building its services (and so before its exporters listen).
    /// </summary>
    /// <remarks>
    /// Azure.Core describes a failed span with the exception's message, and a RequestFailedException's message
    /// quotes the response body: a Key Vault (or anything answering in its place) that echoes a value would put it
    /// in the trace, and Azure.Core's <c>error.type</c> is the error code of that same body. A listener registered
    /// here, before any exporter's, sees each span end first: it keeps an <c>error.type</c> only when it is a known
    /// code or type (<see cref="KnownAzureErrorType"/>), else OpenTelemetry's <c>_OTHER</c>, and describes the
    /// failure by it alone. It samples nothing itself.
    /// </remarks>
    public static void EnableAzureSdkActivities()
    {
        AppContext.SetSwitch(AzureActivitySourceSwitch, true);
        lock (s_azureGate)
        {
            if (s_azureRedaction is null)
            {
                s_azureRedaction = new ActivityListener
                {
                    ShouldListenTo = source => source.Name.StartsWith("Azure.", StringComparison.Ordinal),
                    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
                    ActivityStopped = RedactFailure,
                };
                ActivitySource.AddActivityListener(s_azureRedaction);
            }
        }
    }

    internal static void RedactFailure(Activity activity)
    {
        if (activity.GetTagItem(ErrorType) is string errorType && KnownAzureErrorType(errorType) is null)
        {
            activity.SetTag(ErrorType, OtherErrorType);
        }

        if (activity.StatusDescription is not null)
        {
            activity.SetStatus(activity.Status, activity.GetTagItem(ErrorType) as string);
        }
    }

    /// <summary>
    /// An Azure SDK span's <c>error.type</c> when it says nothing but a type: an exception type of the SDK or the
    /// runtime, an HTTP status code, or an error code Key Vault or Blob Storage documents. Azure.Core copies the
    /// error code from the response body, and a body written by whatever answered can hold anything.
    /// </summary>
    internal static string? KnownAzureErrorType(string errorType) =>
        errorType.StartsWith("Azure.", StringComparison.Ordinal) || errorType.StartsWith("System.", StringComparison.Ordinal)
            || (errorType.Length == 3 && int.TryParse(errorType, out _))
            || KeyVaultErrorCodes.Known(errorType) is not null || s_blobErrorCodes.Contains(errorType)
            ? errorType
            : null;

    private const string ErrorType = "error.type";

    // OpenTelemetry's value for an error type that is not one of the known ones.
    private const string OtherErrorType = "_OTHER";

    // Blob Storage's documented error codes, as the SDK lists them.
    private static readonly FrozenSet<string> s_blobErrorCodes = typeof(BlobErrorCode)
        .GetProperties(BindingFlags.Public | BindingFlags.Static)
        .Where(property => property.PropertyType == typeof(BlobErrorCode))
        .Select(property => property.GetValue(null)!.ToString()!)
        .ToFrozenSet(StringComparer.Ordinal);
}
