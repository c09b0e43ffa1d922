namespace KvReplicator.SecretsManager.Model;

/// <summary>The answer of operations that return nothing (TagResource).</summary>
public sealed class EmptyResponse
{
}
