using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using KvReplicator.LocalCloud.KeyVault;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvReplicator.LocalCloud.EventGrid;

/// <summary>
/// A stand-in for Event Grid's Key Vault system topic: <see cref="Publish"/> takes a new secret version, and
/// every validated webhook subscription gets it as <c>Microsoft.KeyVault.SecretNewVersionCreated</c>, at least
/// once, with Event Grid's retry schedule and dead-lettering. Deliveries run concurrently, so order is not
/// kept, as in Event Grid.
/// </summary>
public sealed partial class LocalEventGrid : IAsyncDisposable
{
    private const string CloudEventContentType = "application/cloudevents+json";
    private const string CloudEventBatchContentType = "application/cloudevents-batch+json";

    private readonly LocalEventGridOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly Lock _sync = new();
    private readonly List<SubscriptionRuntime> _subscriptions = [];
    private readonly ConcurrentDictionary<long, Task> _deliveries = new();
    private readonly SemaphoreSlim _concurrency;
    private readonly CancellationTokenSource _shutdown = new();
    private long _nextDeliveryId;
    private int _outstanding;
    private TaskCompletionSource _idle = CompletedIdle();
    private bool _disposed;

    /// <param name="options">Behaviour and knobs; Event Grid's defaults when null.</param>
    /// <param name="timeProvider">The clock for retry waits, delays and TTLs.</param>
    /// <param name="handler">The HTTP handler for deliveries; a plain one when null.</param>
    /// <param name="logger">Logs deliveries by subscription and event id, never headers or endpoint queries.</param>
    public LocalEventGrid(LocalEventGridOptions? options = null, TimeProvider? timeProvider = null, HttpMessageHandler? handler = null, ILogger<LocalEventGrid>? logger = null)
    {
        _options = options ?? new LocalEventGridOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _random = _options.Seed is { } seed ? new Random(seed) : new Random();
        _concurrency = new SemaphoreSlim(_options.MaxConcurrentDeliveries);

        // Timeouts come from DeliveryTimeout on the grid's clock, not from HttpClient's wall clock.
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    public LocalEventGridCounters Counters { get; } = new();

    /// <summary>The topic (ARM id) of a vault's system topic, as events carry it.</summary>
    public string TopicFor(string vaultName) =>
        $"/subscriptions/{_options.AzureSubscriptionId}/resourceGroups/{_options.ResourceGroup}/providers/Microsoft.KeyVault/vaults/{vaultName}";

    /// <summary>
    /// Validates the webhook with Event Grid's handshake for the subscription's schema, then starts delivering
    /// to it. Events published before this returns are not delivered to it, as in Event Grid.
    /// </summary>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The subscription's settings are out of Event Grid's range.</exception>
    /// <exception cref="EventSubscriptionValidationException">The webhook failed the handshake.</exception>
    public async Task AddSubscriptionAsync(LocalEventSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ObjectDisposedException.ThrowIf(_disposed, this);
        subscription.Validate();

        if (subscription.Schema == EventDeliverySchema.CloudEventSchemaV1_0)
        {
            await ValidateCloudEventsEndpointAsync(subscription, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ValidateEventGridEndpointAsync(subscription, cancellationToken).ConfigureAwait(false);
        }

        var runtime = new SubscriptionRuntime(subscription, Channel.CreateUnbounded<PendingEvent>(new UnboundedChannelOptions { SingleReader = true }));
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_subscriptions.Any(s => string.Equals(s.Subscription.Name, subscription.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new InvalidOperationException($"A subscription named '{subscription.Name}' exists already.");
            }

            _subscriptions.Add(runtime);
        }

        runtime.Dispatcher = Task.Run(() => DispatchAsync(runtime, _shutdown.Token), CancellationToken.None);
        LogSubscribed(subscription.Name, subscription.Schema, Redact(subscription.Endpoint));
    }

    /// <summary>
    /// Queues a new secret version for every matching subscription and returns at once. Its signature matches
    /// the local Key Vault's event, so <c>vault.SecretVersionCreated += grid.Publish</c> wires them.
    /// </summary>
    public void Publish(SecretVersionCreated created)
    {
        ArgumentNullException.ThrowIfNull(created);
        ObjectDisposedException.ThrowIf(_disposed, this);

        SubscriptionRuntime[] targets;
        lock (_sync)
        {
            targets = _subscriptions.Where(s => s.Subscription.Includes(GridEvent.SecretNewVersionCreated)).ToArray();
        }

        DateTimeOffset now = _time.GetUtcNow();
        foreach (SubscriptionRuntime target in targets)
        {
            // One event id per subscription, as each Event Grid subscription gets its own copy.
            var pending = new PendingEvent(GridEvent.From(created, TopicFor(created.VaultName)), now);
            Counters.AddPublished();
            if (Chance(_options.DropRate))
            {
                Counters.AddDropped();
                LogDropped(target.Subscription.Name, pending.Event.Id, created.SecretName, created.Version);
                continue;
            }

            Enqueue(target, pending);
            if (Chance(_options.DuplicateRate))
            {
                Counters.AddDuplicated();
                Enqueue(target, pending);
            }
        }
    }

    /// <summary>Completes when every queued delivery has ended (delivered, dead-lettered or given up), or the grid is disposed.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops delivering: deliveries in flight are cancelled, queued ones are abandoned.</summary>
    public async ValueTask DisposeAsync()
    {
        SubscriptionRuntime[] runtimes;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            runtimes = [.. _subscriptions];
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        foreach (SubscriptionRuntime runtime in runtimes)
        {
            runtime.Queue.Writer.TryComplete();
        }

        Task[] running = [.. runtimes.Select(r => r.Dispatcher).OfType<Task>(), .. _deliveries.Values];
        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled by the shutdown above; nothing is left to report.
        }

        lock (_sync)
        {
            // Abandoned events will never end on their own; nobody should wait for them.
            _idle.TrySetResult();
        }

        _http.Dispose();
        _concurrency.Dispose();
        _shutdown.Dispose();
    }

    private void Enqueue(SubscriptionRuntime target, PendingEvent pending)
    {
        AddWork(1);
        if (!target.Queue.Writer.TryWrite(pending))
        {
            CompleteWork(1); // the grid is shutting down
        }
    }

    private async Task DispatchAsync(SubscriptionRuntime runtime, CancellationToken cancellationToken)
    {
        ChannelReader<PendingEvent> reader = runtime.Queue.Reader;
        int window = Math.Max(1, _options.ShuffleWindow);
        int batchSize = runtime.Subscription.MaxEventsPerBatch;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var held = new List<PendingEvent>();
                int limit = Math.Max(window, batchSize);
                Drain(reader, held, limit);
                if (window > 1 && held.Count < window && _options.ShuffleHoldTime > TimeSpan.Zero)
                {
                    await WaitForMoreAsync(reader, held, window, cancellationToken).ConfigureAwait(false);
                }

                if (window > 1)
                {
                    Shuffle(held);
                }

                foreach (PendingEvent[] batch in held.Chunk(batchSize))
                {
                    StartDelivery(runtime, batch);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task WaitForMoreAsync(ChannelReader<PendingEvent> reader, List<PendingEvent> held, int window, CancellationToken cancellationToken)
    {
        using var hold = new CancellationTokenSource(_options.ShuffleHoldTime, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(hold.Token, cancellationToken);
        try
        {
            while (held.Count < window && await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
            {
                Drain(reader, held, window);
            }
        }
        catch (OperationCanceledException) when (hold.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The window did not fill in time; shuffle what arrived.
        }
    }

    private static void Drain(ChannelReader<PendingEvent> reader, List<PendingEvent> held, int limit)
    {
        while (held.Count < limit && reader.TryRead(out PendingEvent? next))
        {
            held.Add(next);
        }
    }

    private void StartDelivery(SubscriptionRuntime runtime, PendingEvent[] batch)
    {
        long id = Interlocked.Increment(ref _nextDeliveryId);
        Task delivery = Task.Run(() => DeliverAsync(runtime.Subscription, batch, _shutdown.Token), CancellationToken.None);
        _deliveries[id] = delivery;
        delivery.ContinueWith(_ => _deliveries.TryRemove(id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task DeliverAsync(LocalEventSubscription subscription, PendingEvent[] batch, CancellationToken cancellationToken)
    {
        try
        {
            if (_options.Delay > TimeSpan.Zero)
            {
                await Task.Delay(_options.Delay, _time, cancellationToken).ConfigureAwait(false);
            }

            DateTimeOffset publishTime = batch.Min(e => e.PublishTime);
            DeliveryAttempt? last = null;
            int attempts = 0;
            while (true)
            {
                if (attempts > 0 && _time.GetUtcNow() - publishTime >= subscription.EventTimeToLive)
                {
                    await DeadLetterAsync(subscription, batch, "TimeToLiveExceeded", attempts, last, cancellationToken).ConfigureAwait(false);
                    return;
                }

                last = await AttemptAsync(subscription, batch, attempts, cancellationToken).ConfigureAwait(false);
                attempts++;
                if (last.Succeeded)
                {
                    Counters.AddDelivered(batch.Length);
                    LogDelivered(subscription.Name, batch[0].Event.Id, batch.Length, attempts);
                    return;
                }

                if (!last.Retryable)
                {
                    await DeadLetterAsync(subscription, batch, last.UndeliverableReason, attempts, last, cancellationToken).ConfigureAwait(false);
                    return;
                }

                if (attempts >= subscription.MaxDeliveryAttempts)
                {
                    await DeadLetterAsync(subscription, batch, "MaxDeliveryAttemptsExceeded", attempts, last, cancellationToken).ConfigureAwait(false);
                    return;
                }

                Counters.AddRetried(batch.Length);
                TimeSpan delay = RetrySchedule.DelayAfter(attempts, _options.RetryDelayScale);
                LogRetrying(subscription.Name, batch[0].Event.Id, attempts, last.Outcome, last.HttpStatusCode, delay);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The grid is shutting down; undelivered events go with it, as with a deleted subscription.
        }
        catch (Exception ex)
        {
            // A dead-letter destination that fails must not take the grid down; the event is lost loudly.
            LogDeliveryFailed(subscription.Name, batch[0].Event.Id, ex.GetType().Name);
        }
        finally
        {
            CompleteWork(batch.Length);
        }
    }

    private async Task<DeliveryAttempt> AttemptAsync(LocalEventSubscription subscription, PendingEvent[] batch, int previousAttempts, CancellationToken cancellationToken)
    {
        (string body, string contentType, string? dataVersion, string metadataVersion) = Render(subscription, batch);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Endpoint)
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        AddDeliveryHeaders(request, subscription, "Notification", previousAttempts, dataVersion, metadataVersion);

        await _concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(_options.DeliveryTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                return DeliveryAttempt.FromStatus(response.StatusCode, _time.GetUtcNow());
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return DeliveryAttempt.TimedOut(_time.GetUtcNow());
            }
            catch (HttpRequestException)
            {
                return DeliveryAttempt.ConnectionFailed(_time.GetUtcNow());
            }
        }
        finally
        {
            _concurrency.Release();
        }
    }

    private static (string Body, string ContentType, string? DataVersion, string MetadataVersion) Render(LocalEventSubscription subscription, PendingEvent[] batch)
    {
        if (subscription.Schema == EventDeliverySchema.CloudEventSchemaV1_0)
        {
            // A subscription without batching gets a single structured-mode event, as Event Grid sends it.
            return subscription.MaxEventsPerBatch == 1
                ? (batch[0].Event.ToCloudEvent().ToJsonString(), CloudEventContentType, null, "1.0")
                : (new JsonArray([.. batch.Select(e => (JsonNode)e.Event.ToCloudEvent())]).ToJsonString(), CloudEventBatchContentType, null, "1.0");
        }

        // The Event Grid schema is always an array, even for one event.
        return (new JsonArray([.. batch.Select(e => (JsonNode)e.Event.ToEventGridSchema())]).ToJsonString(), "application/json", batch[0].Event.DataVersion, "1");
    }

    private async Task DeadLetterAsync(LocalEventSubscription subscription, PendingEvent[] batch, string reason, int attempts, DeliveryAttempt? last, CancellationToken cancellationToken)
    {
        Counters.AddDeadLettered(batch.Length);
        foreach (PendingEvent pending in batch)
        {
            LogDeadLettered(subscription.Name, pending.Event.Id, reason, attempts, last?.HttpStatusCode);
            await DeadLetterWriter.WriteAsync(subscription, pending.Event, new DeadLetterRecord(reason, attempts, last, pending.PublishTime), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ValidateEventGridEndpointAsync(LocalEventSubscription subscription, CancellationToken cancellationToken)
    {
        string code = Guid.NewGuid().ToString().ToUpperInvariant();
        GridEvent validation = GridEvent.Validation(code, $"/subscriptions/{_options.AzureSubscriptionId}/resourceGroups/{_options.ResourceGroup}/providers/Microsoft.KeyVault/vaults", _time.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Endpoint)
        {
            Content = new StringContent(new JsonArray(validation.ToEventGridSchema()).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        AddDeliveryHeaders(request, subscription, "SubscriptionValidation", 0, validation.DataVersion, "1");

        using HttpResponseMessage response = await SendHandshakeAsync(subscription, request, cancellationToken).ConfigureAwait(false);
        string? answered = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            answered = document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.EnumerateObject()
                    .Where(p => string.Equals(p.Name, "validationResponse", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
                    .Select(p => p.Value.GetString()).FirstOrDefault()
                : null;
        }
        catch (JsonException)
        {
            // Reported below as a missing validationResponse.
        }

        if (!string.Equals(answered, code, StringComparison.Ordinal))
        {
            throw new EventSubscriptionValidationException(
                $"Webhook validation handshake failed for subscription '{subscription.Name}' at {Redact(subscription.Endpoint)}: " +
                $"the response (HTTP {(int)response.StatusCode}) did not echo the validation code in 'validationResponse'.");
        }
    }

    private async Task ValidateCloudEventsEndpointAsync(LocalEventSubscription subscription, CancellationToken cancellationToken)
    {
        const string origin = "eventgrid.azure.net";
        using var request = new HttpRequestMessage(HttpMethod.Options, subscription.Endpoint);
        request.Headers.TryAddWithoutValidation("WebHook-Request-Origin", origin);
        foreach ((string name, string value) in subscription.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using HttpResponseMessage response = await SendHandshakeAsync(subscription, request, cancellationToken).ConfigureAwait(false);
        string? allowed = response.Headers.TryGetValues("WebHook-Allowed-Origin", out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
        if (allowed is not (origin or "*"))
        {
            throw new EventSubscriptionValidationException(
                $"CloudEvents abuse-protection handshake failed for subscription '{subscription.Name}' at {Redact(subscription.Endpoint)}: " +
                $"the OPTIONS response (HTTP {(int)response.StatusCode}) did not allow origin '{origin}' in WebHook-Allowed-Origin.");
        }
    }

    private async Task<HttpResponseMessage> SendHandshakeAsync(LocalEventSubscription subscription, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.DeliveryTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            throw new EventSubscriptionValidationException(
                $"Validation handshake for subscription '{subscription.Name}' could not reach {Redact(subscription.Endpoint)} ({ex.GetType().Name}).", ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            int status = (int)response.StatusCode;
            response.Dispose();
            throw new EventSubscriptionValidationException(
                $"Validation handshake for subscription '{subscription.Name}' at {Redact(subscription.Endpoint)} was refused with HTTP {status}.");
        }

        return response;
    }

    private static void AddDeliveryHeaders(HttpRequestMessage request, LocalEventSubscription subscription, string eventType, int deliveryCount, string? dataVersion, string metadataVersion)
    {
        HttpRequestHeaders headers = request.Headers;
        headers.TryAddWithoutValidation("aeg-event-type", eventType);
        headers.TryAddWithoutValidation("aeg-subscription-name", subscription.Name.ToUpperInvariant());
        headers.TryAddWithoutValidation("aeg-delivery-count", deliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation("aeg-metadata-version", metadataVersion);
        if (dataVersion is not null)
        {
            headers.TryAddWithoutValidation("aeg-data-version", dataVersion);
        }

        foreach ((string name, string value) in subscription.Headers)
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }

    /// <summary>The endpoint without its query, which may carry a delivery key.</summary>
    private static string Redact(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Path);

    private bool Chance(double rate)
    {
        if (rate <= 0)
        {
            return false;
        }

        lock (_sync)
        {
            return _random.NextDouble() < rate;
        }
    }

    private void Shuffle(List<PendingEvent> held)
    {
        PendingEvent[] items = [.. held];
        lock (_sync)
        {
            _random.Shuffle(items);
        }

        held.Clear();
        held.AddRange(items);
    }

    private void AddWork(int count)
    {
        lock (_sync)
        {
            if (_outstanding == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _outstanding += count;
        }
    }

    private void CompleteWork(int count)
    {
        lock (_sync)
        {
            _outstanding -= count;
            if (_outstanding == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource CompletedIdle()
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        idle.SetResult();
        return idle;
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Subscription {Subscription} ({Schema}) validated at {Endpoint}")]
    private partial void LogSubscribed(string subscription, EventDeliverySchema schema, string endpoint);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Delivered event {EventId} (batch of {BatchSize}) to {Subscription} after {Attempts} attempt(s)")]
    private partial void LogDelivered(string subscription, string eventId, int batchSize, int attempts);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Delivery of {EventId} to {Subscription} failed (attempt {Attempts}, {Outcome}, HTTP {StatusCode}); retrying in {Delay}")]
    private partial void LogRetrying(string subscription, string eventId, int attempts, string outcome, int? statusCode, TimeSpan delay);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Dead-lettered event {EventId} of {Subscription}: {Reason} after {Attempts} attempt(s), last HTTP {StatusCode}")]
    private partial void LogDeadLettered(string subscription, string eventId, string reason, int attempts, int? statusCode);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Dropped event {EventId} for {Subscription} on purpose ({SecretName} version {SecretVersion})")]
    private partial void LogDropped(string subscription, string eventId, string secretName, string secretVersion);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error, Message = "Delivery of {EventId} to {Subscription} failed inside the grid ({ErrorType}); the event is lost")]
    private partial void LogDeliveryFailed(string subscription, string eventId, string errorType);
}
