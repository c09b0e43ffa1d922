using System.Collections.Concurrent;

namespace KvReplicator.IntegrationTests.Reconciliation;

/// <summary>
/// Sits under the replicator's Secrets Manager HttpClient and records the operation (X-Amz-Target) of every
/// request that reaches the wire, so tests can count writes instead of trusting the reconciler's own count.
/// </summary>
internal sealed class SecretsManagerCallCounter
{
    private static readonly HashSet<string> s_writes = new(StringComparer.Ordinal)
    {
        "CreateSecret", "PutSecretValue", "UpdateSecret", "UpdateSecretVersionStage", "RestoreSecret", "DeleteSecret",
        "TagResource", "UntagResource",
    };

    private readonly ConcurrentQueue<string> _operations = new();

    public IReadOnlyList<string> Operations => _operations.ToArray();

    public IReadOnlyList<string> Writes => [.. _operations.Where(s_writes.Contains)];

    public void Clear() => _operations.Clear();

    public DelegatingHandler CreateHandler() => new Handler(this);

    private sealed class Handler(SecretsManagerCallCounter counter) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValues("X-Amz-Target", out IEnumerable<string>? targets))
            {
                counter._operations.Enqueue(targets.First().Replace("secretsmanager.", string.Empty, StringComparison.Ordinal));
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
