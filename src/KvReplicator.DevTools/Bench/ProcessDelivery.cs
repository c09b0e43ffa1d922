using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using KvReplicator.LocalCloud.Emulators;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Deliveries over HTTP to a <c>kvrep serve</c> in a child process (a published <c>kvrep.dll</c>, this tree's
/// or another build's), started fresh for each pattern: no in-memory state of an earlier run can make its
/// numbers, and its CPU time is its own. Its calls are counted by the forwarders of <see cref="ProcessCloud"/>.
/// </summary>
internal sealed class ProcessDelivery : IBenchDelivery
{
    /// <summary>How long Event Grid waits for a webhook's answer before it counts the delivery failed and retries.</summary>
    private static readonly TimeSpan s_eventGridDeliveryTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(90);

    private readonly ReplicatorProcess _process;
    private readonly HttpClient _client;
    private readonly Uri _endpoint;
    private readonly string _key;
    private readonly MediaTypeHeaderValue _contentType;
    private readonly string _label;

    private ProcessDelivery(ReplicatorProcess process, HttpClient client, Uri endpoint, string key, MediaTypeHeaderValue contentType, string label, TimeSpan readyAfter)
    {
        _process = process;
        _client = client;
        _endpoint = endpoint;
        _key = key;
        _contentType = contentType;
        _label = label;
        ReadyAfter = readyAfter;
    }

    public string Description => $"process: POST to `dotnet kvrep.dll serve` ({_label}) in a child process of its own, as Event Grid's webhook delivery does";

    /// <summary>From starting the process to its first 200 on <c>/readyz</c>.</summary>
    public TimeSpan ReadyAfter { get; }

    /// <summary>The <see cref="System.Diagnostics.Stopwatch"/> timestamp taken just before the process was started.</summary>
    public long StartedTimestamp => _process.StartedTimestamp;

    /// <param name="replicator">Which <c>kvrep.dll</c> to run, and its label in the report.</param>
    public static async Task<ProcessDelivery> StartAsync(
        ProcessCloud cloud, BenchReplicator replicator, BenchOptions options, string targetPrefix, string ledgerContainer, CancellationToken cancellationToken = default)
    {
        string key = RandomNumberGenerator.GetHexString(48, lowercase: true);
        int port = FreePort.Next();
        ReplicatorProcess process = ReplicatorProcess.Start(replicator.KvrepDll, cloud.ServeEnvironment(port, key, targetPrefix, ledgerContainer, options.Settings), options.ServeLogDirectory);
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), UseProxy = false })
        {
            Timeout = s_eventGridDeliveryTimeout,
        };
        try
        {
            var baseAddress = new Uri($"http://127.0.0.1:{port}/");
            TimeSpan ready = await process.WaitUntilReadyAsync(client, new Uri(baseAddress, "/readyz"), s_readyTimeout, cancellationToken).ConfigureAwait(false);
            return new ProcessDelivery(
                process, client, new Uri(baseAddress, "/api/events"), key, ServeDelivery.ContentType(options.Schema), $"{replicator.Label}, pid {process.Id}", ready);
        }
        catch
        {
            client.Dispose();
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public TimeSpan? ReplicatorCpuTime() => _process.CpuTime();

    /// <summary>Why deliveries failed (an answer other than 200 or 503) or were redelivered for want of an answer, for the run's progress output.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    public async Task<DeliveryKind> DeliverAsync(PlannedDelivery delivery, CallTally calls, CancellationToken cancellationToken = default)
    {
        using HttpRequestMessage request = ServeDelivery.WebhookRequest(_endpoint, _key, _contentType, delivery);
        try
        {
            using HttpResponseMessage response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            switch ((int)response.StatusCode)
            {
                case 200:
                    return DeliveryKind.Acknowledged;
                case 503:
                    return DeliveryKind.TransientFailure; // "retry later": in flight elsewhere, or a transient failure
                default:
                    // serve's answer names the outcome and reason, never a value.
                    Failures.Enqueue($"{delivery.Version.SecretName}/{delivery.Version.Version}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
                    return DeliveryKind.Failed;
            }
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Event Grid gives up on a delivery after 30 s and retries it later; so does the bench.
            Failures.Enqueue($"{delivery.Version.SecretName}/{delivery.Version.Version}: no answer within {_client.Timeout.TotalSeconds:0} s (redelivered, as Event Grid would)");
            return DeliveryKind.TransientFailure;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _process.DisposeAsync().ConfigureAwait(false);
    }
}
