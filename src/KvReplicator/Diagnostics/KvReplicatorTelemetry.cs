using System.Diagnostics;
using System.Diagnostics.Metrics;

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
public static class KvReplicatorTelemetry
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

    /// <summary>
    /// Makes the Azure SDK emit its spans through ActivitySource, so they join the replicator's traces. Azure.Core
    /// reads the switch once, when its first client is made: a host calls this before building its services.
    /// </summary>
    public static void EnableAzureSdkActivities() => AppContext.SetSwitch(AzureActivitySourceSwitch, true);
}
