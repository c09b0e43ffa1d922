namespace KvReplicator.TestPlan.Values;

/// <summary>The shapes real secrets come in; each one trips a different kind of encoding bug.</summary>
public enum SecretValueFormat
{
    Text,
    Json,
    Pem,
    Unicode,
}
