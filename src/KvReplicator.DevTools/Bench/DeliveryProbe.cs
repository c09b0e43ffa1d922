using KvReplicator.Replication;

namespace KvReplicator.DevTools.Bench;

/// <summary>What the server side of one HTTP delivery saw: the calls it made and the outcomes the pipeline logged.</summary>
internal sealed class DeliveryProbe(CallTally calls)
{
    private readonly List<(ReplicationOutcomeKind Kind, string? Reason)> _outcomes = [];
    private readonly Lock _gate = new();

    public CallTally Calls { get; } = calls;

    public IReadOnlyList<(ReplicationOutcomeKind Kind, string? Reason)> Outcomes
    {
        get
        {
            lock (_gate)
            {
                return [.. _outcomes];
            }
        }
    }

    public void AddOutcome(ReplicationOutcomeKind kind, string? reason)
    {
        lock (_gate)
        {
            _outcomes.Add((kind, reason));
        }
    }
}
