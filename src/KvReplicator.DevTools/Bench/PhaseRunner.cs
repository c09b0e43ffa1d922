using System.Diagnostics;
using System.Threading.Channels;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Delivers a burst of events to the handler with bounded concurrency, the way Event Grid does: every event
/// is published at the phase's start, at most <see cref="BenchOptions.Concurrency"/> deliveries run at once,
/// and an event the handler answers "retry later" is redelivered after a pause.
/// </summary>
internal sealed class PhaseRunner(IBenchDelivery target, BenchOptions options)
{
    /// <summary>Past this many attempts an event counts as failed, so a broken run ends instead of spinning.</summary>
    private const int MaxAttempts = 20;

    private readonly IBenchDelivery _delivery = target;

    public async Task<PhaseMeasurement> RunAsync(IReadOnlyList<PlannedDelivery> deliveries, int concurrency, CancellationToken cancellationToken = default)
    {
        var records = new List<DeliveryRecord>(deliveries.Count);
        var gate = new Lock();
        var queue = Channel.CreateUnbounded<(PlannedDelivery Delivery, int Attempt)>();
        int pending = deliveries.Count;
        foreach (PlannedDelivery delivery in deliveries)
        {
            queue.Writer.TryWrite((delivery, 1));
        }

        if (pending == 0)
        {
            queue.Writer.Complete();
        }

        var burst = Stopwatch.StartNew();
        using var redeliveries = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task[] workers = [.. Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            await foreach ((PlannedDelivery delivery, int attempt) in queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                DeliveryRecord record = await DeliverOnceAsync(delivery, burst, cancellationToken).ConfigureAwait(false);
                bool retry = record.Kind is DeliveryKind.InFlight or DeliveryKind.TransientFailure;
                if (retry && attempt >= MaxAttempts)
                {
                    record = record with { Kind = DeliveryKind.Failed };
                    retry = false;
                }

                lock (gate)
                {
                    records.Add(record);
                }

                if (retry)
                {
                    _ = RedeliverLaterAsync(queue.Writer, delivery, attempt + 1, redeliveries.Token);
                }
                else if (Interlocked.Decrement(ref pending) == 0)
                {
                    queue.Writer.Complete();
                }
            }
        }, cancellationToken))];

        await Task.WhenAll(workers).ConfigureAwait(false);
        burst.Stop();
        return new PhaseMeasurement(records, burst.Elapsed);
    }

    private async Task<DeliveryRecord> DeliverOnceAsync(PlannedDelivery planned, Stopwatch burst, CancellationToken cancellationToken)
    {
        var calls = new CallTally();
        long started = Stopwatch.GetTimestamp();
        DeliveryKind kind;
        try
        {
            kind = await _delivery.DeliverAsync(planned, calls, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            kind = DeliveryKind.Failed;
        }

        return new DeliveryRecord(kind, Stopwatch.GetElapsedTime(started), burst.Elapsed, calls);
    }

    private async Task RedeliverLaterAsync(ChannelWriter<(PlannedDelivery, int)> writer, PlannedDelivery delivery, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(options.RetryDelay, cancellationToken).ConfigureAwait(false);
            writer.TryWrite((delivery, attempt));
        }
        catch (OperationCanceledException)
        {
            // The run was cancelled; nothing waits for this event any more.
        }
    }
}
