using System.ComponentModel.DataAnnotations;

namespace KvReplicator.Reconciliation;

/// <summary>How <c>kvrep sync</c>, <c>kvrep verify</c> and the Functions timer reconcile. Bound from <c>KvReplicator:Reconcile</c>.</summary>
internal sealed class ReconcileOptions
{
    public const string SectionName = "KvReplicator:Reconcile";

    /// <summary>
    /// The NCRONTAB schedule of the Functions <c>Reconcile</c> timer (six fields, seconds first). Default every
    /// six hours. Read by the Functions host as <c>%KvReplicator:Reconcile:Schedule%</c>.
    /// </summary>
    [Required(ErrorMessage = "KvReplicator:Reconcile:Schedule is required (e.g. 0 0 */6 * * *).")]
    public string Schedule { get; set; } = "0 0 */6 * * *";

    /// <summary>How many secrets are reconciled at once. Default 4.</summary>
    [Range(1, 32, ErrorMessage = "KvReplicator:Reconcile:MaxConcurrency must be between 1 and 32.")]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>
    /// AWS write calls (PutSecretValue, CreateSecret, UpdateSecretVersionStage, TagResource, UntagResource,
    /// UpdateSecret, RestoreSecret, DeleteSecret; each attempt, as AWS counts them) one run sends per second, with
    /// as many allowed at once. AWS allows 50 a second per account and region, shared with the event path, so the
    /// default 20 leaves room.
    /// </summary>
    [Range(1, 50, ErrorMessage = "KvReplicator:Reconcile:MaxWritesPerSecond must be between 1 and 50 (the AWS quota).")]
    public int MaxWritesPerSecond { get; set; } = 20;

    /// <summary>What happens in AWS to a secret deleted in Key Vault. Default <see cref="DeletionPolicy.Retain"/>.</summary>
    [EnumDataType(typeof(DeletionPolicy), ErrorMessage = "KvReplicator:Reconcile:DeletionPolicy must be Retain or Delete.")]
    public DeletionPolicy DeletionPolicy { get; set; } = DeletionPolicy.Retain;

    /// <summary>Days a deleted secret stays recoverable in AWS under <see cref="DeletionPolicy.Delete"/>. Default 30.</summary>
    [Range(7, 30, ErrorMessage = "KvReplicator:Reconcile:RecoveryWindowInDays must be between 7 and 30.")]
    public int RecoveryWindowInDays { get; set; } = 30;

    /// <summary>Delete without a recovery window under <see cref="DeletionPolicy.Delete"/>: the AWS copy cannot be restored.</summary>
    public bool ForceDeleteWithoutRecovery { get; set; }
}
