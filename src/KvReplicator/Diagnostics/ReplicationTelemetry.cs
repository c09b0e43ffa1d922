using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KvReplicator.Diagnostics;

/// <summary>
/// The replicator's measurements of its own work: deliveries and the versions in them, the lag of what was
/// written, dead letters and failed notifications; and the delivery and version spans. Remote calls are measured
/// by <see cref="RemoteCallScope"/>.
/// </summary>
internal static class ReplicationTelemetry
{
    // Seconds. Lag: a version normally lands within seconds, a retried one within minutes, a dead-lettered and
    // replayed one within hours or days.
    private static readonly double[] s_lagBuckets = [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600];

    // Seconds. A delivery is a few remote calls; Event Grid gives up on an answer after 30 s.
    private static readonly double[] s_handlerBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private static readonly Counter<long> s_deliveries = KvReplicatorTelemetry.Meter.CreateCounter<long>(
        TelemetryNames.Deliveries, "{delivery}", "Deliveries handled, by what the sender was told (ok, transient: retry, permanent: dead-letter).");

    private static readonly Counter<long> s_versions = KvReplicatorTelemetry.Meter.CreateCounter<long>(
        TelemetryNames.Versions, "{version}", "Events of deliveries handled, by outcome and reason code.");

    private static readonly Counter<long> s_deadLetters = KvReplicatorTelemetry.Meter.CreateCounter<long>(
        TelemetryNames.DeadLetters, "{dead_letter}", "Rejected deliveries written to the dead-letter container.");

    private static readonly Counter<long> s_notificationsFailed = KvReplicatorTelemetry.Meter.CreateCounter<long>(
        TelemetryNames.NotificationsFailed, "{notification}", "Consumer notifications that still failed after their retries (the version is replicated).");

    private static readonly Histogram<double> s_lag = KvReplicatorTelemetry.Meter.CreateHistogram(
        TelemetryNames.ReplicationLag, "s", "From a Key Vault version's creation to its write in Secrets Manager.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_lagBuckets });

    private static readonly Histogram<double> s_handlerDuration = KvReplicatorTelemetry.Meter.CreateHistogram(
        TelemetryNames.HandlerDuration, "s", "Time to handle one delivery, by disposition.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_handlerBuckets });

    /// <summary>Starts the span of one delivery and its clock.</summary>
    public static DeliveryScope StartDelivery(int eventCount)
    {
        Activity? span = KvReplicatorTelemetry.Source.HasListeners()
            ? KvReplicatorTelemetry.Source.StartActivity(TelemetryNames.DeliverySpan, ActivityKind.Consumer)
            : null;
        if (span is { IsAllDataRequested: true })
        {
            // OpenTelemetry's messaging conventions: Event Grid pushed a batch, and this span processes it.
            span.SetTag("messaging.system", "eventgrid");
            span.SetTag("messaging.operation.type", "process");
            span.SetTag("messaging.batch.message_count", eventCount);
        }

        return new DeliveryScope(span, Stopwatch.GetTimestamp());
    }

    /// <summary>Starts the span of one event of a delivery, a child of the delivery's.</summary>
    public static Activity? StartVersion(KeyVaultEvent keyVaultEvent)
    {
        if (!KvReplicatorTelemetry.Source.HasListeners())
        {
            return null;
        }

        Activity? span = KvReplicatorTelemetry.Source.StartActivity(TelemetryNames.VersionSpan, ActivityKind.Internal);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("messaging.message.id", keyVaultEvent.EventId);
            if (keyVaultEvent.Version is { } version)
            {
                span.SetTag(TelemetryNames.SecretVault, version.VaultName);
                span.SetTag(TelemetryNames.SecretName, version.SecretName);
                span.SetTag(TelemetryNames.SecretVersion, version.Version);
            }
        }

        return span;
    }

    /// <summary>Counts an event's outcome and closes its span with it.</summary>
    public static void VersionHandled(Activity? span, ReplicationOutcome outcome)
    {
        bool counted = s_versions.Enabled;
        if (!counted && span is null)
        {
            return;
        }

        string kind = OutcomeCodes.Kind(outcome.Kind);
        string reason = OutcomeCodes.Reason(outcome);
        if (counted)
        {
            // Counted per AWS target: one version sent to two targets is two (version, target) pairs, each with its own outcome.
            foreach (ReplicationOutcome perTarget in outcome.Targets ?? [outcome])
            {
                s_versions.Add(1, new TagList
                {
                    { TelemetryNames.Outcome, OutcomeCodes.Kind(perTarget.Kind) },
                    { TelemetryNames.Reason, OutcomeCodes.Reason(perTarget) },
                    { TelemetryNames.Target, perTarget.TargetId ?? TelemetryNames.DefaultTarget },
                });
            }
        }

        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(TelemetryNames.Outcome, kind);
            span.SetTag(TelemetryNames.Reason, reason);
            span.SetTag(TelemetryNames.TargetName, outcome.TargetName);
            if (outcome.Kind is ReplicationOutcomeKind.RetryLater or ReplicationOutcomeKind.Rejected)
            {
                span.SetTag("error.type", reason);
                span.SetStatus(ActivityStatusCode.Error, reason);
            }
        }
    }

    /// <summary>Marks an event's span failed by an exception (cancellation): the delivery ends without an outcome.</summary>
    public static void VersionFailed(Activity? span, Exception exception) => MarkFailed(span, exception);

    /// <summary>
    /// The lag of a version just written to Secrets Manager. Key Vault dates versions to the second and the two
    /// clocks are not ours to align, so a "negative" lag is recorded as zero. A write by sync is not measured: it
    /// writes what events missed, often long after, and would drown the event path's lag.
    /// </summary>
    public static void VersionWritten(DateTimeOffset? createdOn, DateTimeOffset writtenOn, bool byReconcile)
    {
        if (!byReconcile && createdOn is { } created && s_lag.Enabled)
        {
            s_lag.Record(Math.Max(0, (writtenOn - created).TotalSeconds));
        }
    }

    public static void DeadLetterWritten() => s_deadLetters.Add(1);

    public static void NotificationFailed() => s_notificationsFailed.Add(1);

    internal static void MarkFailed(Activity? span, Exception exception)
    {
        if (span is { IsAllDataRequested: true })
        {
            // The type, never the message: an SDK's message may quote a response body.
            string type = exception.GetType().FullName ?? exception.GetType().Name;
            span.SetTag("error.type", type);
            span.SetStatus(ActivityStatusCode.Error, type);
        }
    }

    /// <summary>One delivery's span and clock, until its disposition is known.</summary>
    internal readonly struct DeliveryScope(Activity? span, long started) : IDisposable
    {
        public void Completed(DeliveryResult result)
        {
            string disposition = OutcomeCodes.Disposition(result.Disposition);
            Record(disposition);
            if (span is { IsAllDataRequested: true })
            {
                span.SetTag(TelemetryNames.Disposition, disposition);
                if (result.Disposition != DeliveryDisposition.Completed)
                {
                    span.SetTag("error.type", disposition);
                    span.SetStatus(ActivityStatusCode.Error, disposition);
                }
            }
        }

        /// <summary>No answer (cancelled, or the handler failed): the sender retries, so it counts as transient.</summary>
        public void Failed(Exception exception)
        {
            string disposition = OutcomeCodes.Disposition(DeliveryDisposition.RetryLater);
            Record(disposition);
            span?.SetTag(TelemetryNames.Disposition, disposition);
            MarkFailed(span, exception);
        }

        public void Dispose() => span?.Dispose();

        private void Record(string disposition)
        {
            var tags = new TagList { { TelemetryNames.Disposition, disposition } };
            s_deliveries.Add(1, tags);
            if (s_handlerDuration.Enabled)
            {
                s_handlerDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            }
        }
    }
}
