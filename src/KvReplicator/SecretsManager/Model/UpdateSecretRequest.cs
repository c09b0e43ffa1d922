namespace KvReplicator.SecretsManager.Model;

/// <summary>Changes the secret's metadata only; values are written with PutSecretValue.</summary>
internal sealed class UpdateSecretRequest
{
    public required string SecretId { get; init; }

    public string? Description { get; init; }

    public string? KmsKeyId { get; init; }

    /// <summary>
    /// A fresh idempotency token by default, as the AWS SDKs send; moto refuses UpdateSecret without one.
    /// With no value in the request it creates no version.
    /// </summary>
    public string ClientRequestToken { get; init; } = Guid.NewGuid().ToString();
}
