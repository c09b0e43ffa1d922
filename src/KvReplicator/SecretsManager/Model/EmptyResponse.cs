namespace KvReplicator.SecretsManager.Model;

/// <summary>The answer of operations that return nothing (TagResource).</summary>
internal sealed class EmptyResponse
{
}
