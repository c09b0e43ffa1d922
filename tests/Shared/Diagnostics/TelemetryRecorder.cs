using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using KvReplicator.Diagnostics;

namespace KvReplicator.Testing.Diagnostics;

/// <summary>
/// The spans and measurements of one test's work, told apart from those of tests running at the same time (the
/// replicator's Meter and ActivitySource are process-wide) by their trace: the work runs under a root activity of
/// the recorder's own, a span is kept when it belongs to that trace, and a measurement when it is made while an
/// activity of that trace is current (instruments report on the thread that records).
/// </summary>
internal sealed class TelemetryRecorder : IDisposable
{
    private readonly Activity _root;
    private readonly ActivityListener _spans;
    private readonly MeterListener _measurements = new();
    private readonly ConcurrentQueue<Activity> _ended = new();
    private readonly ConcurrentQueue<RecordedMeasurement> _recorded = new();

    public TelemetryRecorder()
    {
        // Sample everything of the replicator and the Azure SDK (the leak guard's provider listens as well).
        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == KvReplicatorTelemetry.Name || source.Name.StartsWith("Azure.", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == TraceId)
                {
                    _ended.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_spans);

        _measurements.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == KvReplicatorTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _measurements.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _measurements.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _measurements.Start();

        _root = new Activity("test").SetIdFormat(ActivityIdFormat.W3C);
        _root.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        _root.Start();
        TraceId = _root.TraceId;
    }

    public ActivityTraceId TraceId { get; }

    /// <summary>The test's root activity: the parent of the spans its work made at the top.</summary>
    public ActivitySpanId RootSpanId => _root.SpanId;

    public IReadOnlyList<Activity> Spans => [.. _ended];

    public IReadOnlyList<RecordedMeasurement> Measurements => [.. _recorded];

    public IReadOnlyList<RecordedMeasurement> Of(string instrument) => [.. _recorded.Where(m => m.Instrument == instrument)];

    public IReadOnlyList<Activity> ChildrenOf(Activity parent) => [.. _ended.Where(span => span.ParentSpanId == parent.SpanId)];

    public void Dispose()
    {
        _root.Stop();
        _spans.Dispose();
        _measurements.Dispose();
    }

    private void Keep(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Activity.Current?.TraceId == TraceId)
        {
            var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                copy[tag.Key] = tag.Value?.ToString();
            }

            _recorded.Enqueue(new RecordedMeasurement(instrument.Name, instrument.Unit, value, copy));
        }
    }
}

/// <summary>One measurement of the replicator's Meter, with its tags.</summary>
internal sealed record RecordedMeasurement(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, string?> Tags)
{
    public string? this[string tag] => Tags.GetValueOrDefault(tag);
}
