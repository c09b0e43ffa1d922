namespace KvReplicator.SecretsManager.Model;

/// <summary>Changes the secret's metadata only; values are written with PutSecretValue.</summary>
public sealed class UpdateSecretRequest
{
    public required string SecretId { get; init; }

    public string? Description { get; init; }

    public string? KmsKeyId { get; init; }
}
