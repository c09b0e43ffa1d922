namespace KvReplicator.SecretsManager.Model;

internal sealed class PutResourcePolicyRequest
{
    public required string SecretId { get; init; }

    /// <summary>The policy document as JSON text.</summary>
    public required string ResourcePolicy { get; init; }

    /// <summary>Have Secrets Manager refuse a policy that grants broad access (its Zelkova check).</summary>
    public bool? BlockPublicPolicy { get; init; }
}
