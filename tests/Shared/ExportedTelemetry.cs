using System.Collections;
using System.Diagnostics;
using System.Text;
using KvReplicator.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace KvReplicator.Testing;

/// <summary>
/// What the run's code emits as telemetry, exported the way a host exports it, with OpenTelemetry's in-memory
/// exporter: every span of the replicator's ActivitySource and of the Azure SDK's (name, attributes, events,
/// status) as it ends, and every metric point of the replicator's Meter (its tags) when the leak check flushes.
/// Each becomes a text for <see cref="SecretLeakGuard"/>, so a secret value in an attribute, an event or a tag
/// fails the run like one in a log line. Nothing exported is kept: the collections only turn items into text.
/// </summary>
internal static class ExportedTelemetry
{
    private static readonly Lock s_gate = new();
    private static TracerProvider? s_tracing;
    private static MeterProvider? s_metrics;

    public static void Start()
    {
        lock (s_gate)
        {
            if (s_tracing is not null)
            {
                return;
            }

            // As kvrep serve does, so the Azure SDK's spans of the end-to-end tests are inspected too.
            KvReplicatorTelemetry.EnableAzureSdkActivities();
            s_tracing = Sdk.CreateTracerProviderBuilder()
                .AddSource(KvReplicatorTelemetry.Name, KvReplicatorTelemetry.AzureSdkSources)
                .SetSampler(new AlwaysOnSampler())
                .AddInMemoryExporter(new Capturing<Activity>(activity => SecretLeakGuard.Capture("span " + activity.Source.Name, Describe(activity))))
                .Build();
            s_metrics = Sdk.CreateMeterProviderBuilder()
                .AddMeter(KvReplicatorTelemetry.Name)
                .AddInMemoryExporter(new Capturing<MetricSnapshot>(metric => SecretLeakGuard.Capture("metric " + metric.Name, Describe(metric))))
                .Build();
        }
    }

    /// <summary>Exports the metric points collected so far (cumulative: every tag set the run has seen).</summary>
    public static void Flush()
    {
        lock (s_gate)
        {
            s_tracing?.ForceFlush();
            s_metrics?.ForceFlush();
        }
    }

    public static void Stop()
    {
        lock (s_gate)
        {
            s_tracing?.Dispose();
            s_metrics?.Dispose();
            s_tracing = null;
            s_metrics = null;
        }
    }

    /// <summary>A span as text: its name, every attribute, every event with its attributes, its status.</summary>
    internal static string Describe(Activity activity)
    {
        var text = new StringBuilder(activity.DisplayName);
        Append(text, activity.TagObjects);
        foreach (ActivityEvent spanEvent in activity.Events)
        {
            text.Append(" | event ").Append(spanEvent.Name);
            Append(text, spanEvent.Tags);
        }

        foreach ((string key, string? value) in activity.Baggage)
        {
            text.Append(" | baggage ").Append(key).Append('=').Append(value);
        }

        return text.Append(" | status ").Append(activity.Status).Append(' ').Append(activity.StatusDescription).ToString();
    }

    /// <summary>A metric as text: its name and the tags of each of its points.</summary>
    internal static string Describe(MetricSnapshot metric)
    {
        var text = new StringBuilder(metric.Name);
        foreach (MetricPoint point in metric.MetricPoints)
        {
            text.Append(" |");
            foreach (KeyValuePair<string, object?> tag in point.Tags)
            {
                text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
            }
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, IEnumerable<KeyValuePair<string, object?>> tags)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value is Array array ? string.Join(",", array.Cast<object?>()) : tag.Value);
        }
    }

    /// <summary>What the in-memory exporter adds to: each item is captured as text at once, none is kept.</summary>
    private sealed class Capturing<T>(Action<T> capture) : ICollection<T>
    {
        public int Count => 0;

        public bool IsReadOnly => false;

        public void Add(T item) => capture(item);

        public void Clear()
        {
        }

        public bool Contains(T item) => false;

        public void CopyTo(T[] array, int arrayIndex)
        {
        }

        public bool Remove(T item) => false;

        public IEnumerator<T> GetEnumerator() => Enumerable.Empty<T>().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
