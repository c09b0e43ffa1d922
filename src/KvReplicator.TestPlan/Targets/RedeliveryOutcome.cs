namespace KvReplicator.TestPlan.Targets;

/// <summary>What the replicator answered to re-deliveries: 2xx is an acknowledgement; anything else is not, and Event Grid would retry it.</summary>
public sealed record RedeliveryOutcome(int Attempted, int Acknowledged, IReadOnlyList<int> StatusCodes)
{
    public int NotAcknowledged => Attempted - Acknowledged;
}
