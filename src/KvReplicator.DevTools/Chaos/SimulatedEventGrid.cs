using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using KvReplicator.Events;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Replication;

namespace KvReplicator.DevTools.Chaos;

/// <summary>
/// Event Grid as a handler experiences it, on a virtual clock: every event at least once (some twice), in
/// shuffled order, several at a time; a 503, a 400 or no answer at all (a crashed handler) handled as Event
/// Grid does — retried on its documented schedule (10 s, 30 s, 1 min, 5 min … 12 h) up to the attempt limit
/// and time to live, rejected ones dead-lettered at once.
/// </summary>
internal sealed class SimulatedEventGrid
{
    /// <summary>Deliveries due within one tick go out together, so handlers overlap as they do in production.</summary>
    private static readonly TimeSpan s_tick = TimeSpan.FromSeconds(5);

    private static readonly CrashStep[] s_steps = Enum.GetValues<CrashStep>();

    private readonly KeyVaultEventProcessor _processor;
    private readonly VirtualClock _clock;
    private readonly ChaosOptions _options;
    private readonly ChaosFigures _figures;
    private readonly Random _random;
    private readonly string _topic;
    private readonly PriorityQueue<ScheduledDelivery, (DateTimeOffset Due, int Order)> _pending = new();
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly List<string> _handlerExceptions = [];
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _trails = new(StringComparer.OrdinalIgnoreCase);

    public SimulatedEventGrid(KeyVaultEventProcessor processor, VirtualClock clock, ChaosOptions options, ChaosFigures figures, string topic)
    {
        _processor = processor;
        _clock = clock;
        _options = options;
        _figures = figures;
        _topic = topic;
        _random = new Random(options.Seed ^ 0x5EED);
    }

    public IReadOnlyList<DeadLetter> DeadLetters => _deadLetters;

    /// <summary>Exceptions that escaped the pipeline: it promises outcomes, so each one is a finding.</summary>
    public IReadOnlyList<string> HandlerExceptions => _handlerExceptions;

    /// <summary>Every delivery of a version and how it was answered, in order: what explains a finding.</summary>
    public IEnumerable<string> Trail(string secretName, string version) =>
        _trails.TryGetValue($"{secretName}/{version}", out ConcurrentQueue<string>? trail) ? trail : [];

    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_gate)
            {
                return _pending.TryPeek(out _, out (DateTimeOffset Due, int Order) priority) ? priority.Due : null;
            }
        }
    }

    /// <summary>Takes Key Vault's notification of a new version, as the system topic does.</summary>
    public void Publish(SecretVersionCreated created)
    {
        var gridEvent = GridEvent.From(created, _topic);
        DateTimeOffset now = _clock.GetUtcNow();
        lock (_gate)
        {
            // Either schema, as subscriptions may ask for either.
            EventDeliverySchema schema = _random.Next(2) == 0 ? EventDeliverySchema.EventGridSchema : EventDeliverySchema.CloudEventSchemaV1_0;
            string body = new JsonArray(gridEvent.Render(schema)).ToJsonString();
            Schedule(new ScheduledDelivery(created, body, now, 0), now + RandomSpan(_options.ShuffleWindow));
            if (_random.NextDouble() < _options.DuplicateRate)
            {
                // At least once: the copy may come at once, or long after the original was handled.
                _figures.Delivery("duplicates-injected");
                Schedule(new ScheduledDelivery(created, body, now, 0), now + RandomSpan(_options.ShuffleWindow * 10));
            }
        }
    }

    /// <summary>Delivers everything due by now, several at a time, and schedules what must be retried.</summary>
    public async Task DeliverDueAsync(CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _clock.GetUtcNow();
        var due = new List<(ScheduledDelivery Delivery, CrashPlan? Crash)>();
        lock (_gate)
        {
            while (_pending.TryPeek(out _, out (DateTimeOffset Due, int Order) priority) && priority.Due <= now)
            {
                CrashPlan? crash = _random.NextDouble() < _options.CrashRate ? new CrashPlan(s_steps[_random.Next(s_steps.Length)], _figures) : null;
                due.Add((_pending.Dequeue(), crash));
            }
        }

        await Parallel.ForEachAsync(
            due,
            new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken },
            async (item, token) => await DeliverAsync(item.Delivery, item.Crash, token).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task DeliverAsync(ScheduledDelivery delivery, CrashPlan? crash, CancellationToken cancellationToken)
    {
        // Flows into the port decorators of this delivery only.
        CrashPlan.Current = crash;
        _figures.Delivery("attempts");
        DeliveryResult result;
        try
        {
            result = await _processor.ProcessAsync(BinaryData.FromString(delivery.Body), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Serve would answer 500 and Event Grid would retry; the pipeline promised never to get here.
            lock (_gate)
            {
                _handlerExceptions.Add($"{delivery.Created.SecretName}/{delivery.Created.Version}: {ex.GetType().Name}");
            }

            _figures.Delivery("handler-exceptions");
            Retry(delivery, $"handler threw {ex.GetType().Name}");
            return;
        }

        string attempt = $"{_clock.GetUtcNow():HH:mm:ss} attempt {delivery.FailedAttempts + 1}";
        if (crash?.HasCrashed == true)
        {
            // A dead handler answers nothing; Event Grid times out and retries.
            Follow(delivery, $"{attempt}: crashed {crash.Step}, no answer");
            _figures.Delivery("no-response-crashed");
            Retry(delivery, "handler crashed");
            return;
        }

        foreach (EventResult eventResult in result.Events)
        {
            _figures.Outcome(eventResult.Outcome.Kind.ToString());
            Follow(delivery, $"{attempt}: {eventResult.Outcome.Kind}{(eventResult.Outcome.Reason is { } reason ? $" ({reason})" : string.Empty)}"
                + (eventResult.Outcome.MadeCurrent is { } current ? $", made {current} current" : string.Empty));
        }

        switch (result.Disposition)
        {
            case DeliveryDisposition.Completed:
                _figures.Delivery("completed");
                break;
            case DeliveryDisposition.RetryLater:
                _figures.Delivery("retry-later");
                Retry(delivery, result.Summary);
                break;
            default:
                _figures.Delivery("rejected");
                DeadLetter(delivery, delivery.FailedAttempts + 1, result.Summary);
                break;
        }
    }

    private void Follow(ScheduledDelivery delivery, string step) =>
        _trails.GetOrAdd($"{delivery.Created.SecretName}/{delivery.Created.Version}", _ => new ConcurrentQueue<string>()).Enqueue(step);

    private void Retry(ScheduledDelivery delivery, string reason)
    {
        int failed = delivery.FailedAttempts + 1;
        DateTimeOffset due = _clock.GetUtcNow() + RetrySchedule.DelayAfter(failed, 1.0);
        if (failed >= _options.MaxDeliveryAttempts || due - delivery.PublishedOn > _options.EventTimeToLive)
        {
            DeadLetter(delivery, failed, reason);
            return;
        }

        _figures.Delivery("retries-scheduled");
        lock (_gate)
        {
            Schedule(delivery with { FailedAttempts = failed }, due);
        }
    }

    private void DeadLetter(ScheduledDelivery delivery, int attempts, string reason)
    {
        _figures.Delivery("dead-lettered");
        lock (_gate)
        {
            _deadLetters.Add(new DeadLetter(delivery.Created.SecretName, delivery.Created.Version, attempts, reason));
        }
    }

    private void Schedule(ScheduledDelivery delivery, DateTimeOffset due)
    {
        // Rounded up to the tick, then in random order within it.
        long ticks = ((due.UtcTicks + s_tick.Ticks - 1) / s_tick.Ticks) * s_tick.Ticks;
        _pending.Enqueue(delivery, (new DateTimeOffset(ticks, TimeSpan.Zero), _random.Next()));
    }

    private TimeSpan RandomSpan(TimeSpan max) => TimeSpan.FromTicks((long)(_random.NextDouble() * max.Ticks));
}
