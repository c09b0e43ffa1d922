using KvReplicator.Replication;

namespace KvReplicator.TestPlan.Values;

/// <summary>A random value and what it was made to be; the value itself renders as "[redacted]".</summary>
internal sealed record GeneratedValue(SecretValueFormat Format, SecretValue Value)
{
    public int Utf8Length => Value.Utf8Length;
}
