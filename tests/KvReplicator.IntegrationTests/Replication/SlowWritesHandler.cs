using System.Collections.Concurrent;
using System.Text.Json;
using KvReplicator.SecretsManager;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// Sits in front of moto and holds every Secrets Manager write (PutSecretValue, CreateSecret,
/// UpdateSecretVersionStage) for a random time before passing it on, as a slow cross-cloud link does: the
/// window in which a handler that decided "I am the newest" could be overtaken. Reads pass at once. The
/// delays come from a seeded <see cref="Random"/>, so a run's sequence of delays is reproducible.
/// </summary>
internal sealed class SlowWritesHandler(int seed, TimeSpan minimum, TimeSpan maximum) : DelegatingHandler
{
    private static readonly HashSet<string> s_writes = new(StringComparer.Ordinal) { "PutSecretValue", "CreateSecret", "UpdateSecretVersionStage" };

    private readonly Random _random = new(seed);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new(StringComparer.OrdinalIgnoreCase);
    private int _writes;

    /// <summary>The delay range issue 15 names: 0.5 to 2.5 s.</summary>
    public SlowWritesHandler(int seed)
        : this(seed, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(2500))
    {
    }

    /// <summary>Puts this handler in front of the replicator's Secrets Manager client; pass it as a harness's <c>configureServices</c>.</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddHttpClient(SecretsManagerClient.HttpClientName).AddHttpMessageHandler(() => this);

    /// <summary>Writes held so far.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Completes once a write of the version (its token, or the version a stage moves to) is on its way.</summary>
    public Task WhenWritingAsync(string versionId, CancellationToken cancellationToken) =>
        Started(versionId).Task.WaitAsync(cancellationToken);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? operation = request.Headers.TryGetValues("X-Amz-Target", out IEnumerable<string>? targets) ? targets.First().Split('.').Last() : null;
        if (operation is not null && s_writes.Contains(operation))
        {
            Interlocked.Increment(ref _writes);
            if (request.Content is not null && await VersionOfAsync(request.Content, cancellationToken) is { } version)
            {
                Started(version).TrySetResult();
            }

            TimeSpan delay;
            lock (_random)
            {
                delay = minimum + ((maximum - minimum) * _random.NextDouble());
            }

            await Task.Delay(delay, cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private TaskCompletionSource Started(string versionId) =>
        _started.GetOrAdd(versionId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Only the version id is taken from the body; the value in it is neither kept nor logged.</summary>
    private static async Task<string?> VersionOfAsync(HttpContent content, CancellationToken cancellationToken)
    {
        byte[] bytes = await content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            using JsonDocument body = JsonDocument.Parse(bytes);
            foreach (string property in new[] { "ClientRequestToken", "MoveToVersionId" })
            {
                if (body.RootElement.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString();
                }
            }

            return null;
        }
        finally
        {
            Array.Clear(bytes);
        }
    }
}
