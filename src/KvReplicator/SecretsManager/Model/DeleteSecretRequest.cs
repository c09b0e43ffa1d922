namespace KvReplicator.SecretsManager.Model;

internal sealed class DeleteSecretRequest
{
    public required string SecretId { get; init; }

    /// <summary>7 to 30 days; Secrets Manager uses 30 when neither this nor <see cref="ForceDeleteWithoutRecovery"/> is set.</summary>
    public int? RecoveryWindowInDays { get; init; }

    public bool? ForceDeleteWithoutRecovery { get; init; }
}
