using System.ComponentModel.DataAnnotations;

namespace KvReplicator.Throttling;

/// <summary>
/// This process's budget for Secrets Manager write calls (<c>KvReplicator:WriteRateLimit</c>). AWS allows 50
/// per second per account and Region, shared by PutSecretValue, UpdateSecret, UpdateSecretVersionStage and
/// the replication calls; the default leaves room for other writers and a second instance.
/// </summary>
internal sealed class WriteRateLimitOptions
{
    public const string SectionName = "KvReplicator:WriteRateLimit";

    /// <summary>Sustained write calls per second. Default 20, 1 to 50.</summary>
    [Range(1.0, 50.0, ErrorMessage = "KvReplicator:WriteRateLimit:PermitsPerSecond must be between 1 and 50 (AWS allows 50 per account and Region).")]
    public double PermitsPerSecond { get; set; } = 20;

    /// <summary>Write calls allowed at once after a quiet period. Default 10, 1 to 50.</summary>
    [Range(1, 50, ErrorMessage = "KvReplicator:WriteRateLimit:Burst must be between 1 and 50.")]
    public int Burst { get; set; } = 10;

    /// <summary>
    /// The longest a write waits for its turn; beyond it the write fails as transient and its event is
    /// retried later rather than holding a handler for minutes. Default 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "KvReplicator:WriteRateLimit:MaxWait must be between 0 and 5 minutes.")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(30);
}
