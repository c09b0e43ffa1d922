namespace KvReplicator.SecretsManager.Model;

internal sealed class UpdateSecretVersionStageRequest
{
    public required string SecretId { get; init; }

    public required string VersionStage { get; init; }

    public string? MoveToVersionId { get; init; }

    /// <summary>Must name the version holding the stage now, which makes the move a compare-and-swap.</summary>
    public string? RemoveFromVersionId { get; init; }
}
