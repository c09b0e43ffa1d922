using System.ComponentModel.DataAnnotations;

namespace KvReplicator.Replication;

/// <summary>
/// When a superseded version may be left out of AWS (<c>KvReplicator:Coalescing</c>). Secrets Manager keeps
/// every version created in the last 24 hours and refuses a secret more than 100 of them; a burst of Key
/// Vault versions must not reach that wall. See docs/reliability.md, "Bursts of versions".
/// </summary>
internal sealed class CoalescingOptions
{
    public const string SectionName = "KvReplicator:Coalescing";

    /// <summary>How far back AWS counts versions it will not delete yet.</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromHours(24);

    /// <summary>Coalesce superseded versions at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A superseded version is coalesced when the target already holds this many versions created in the last
    /// 24 hours. Default 80: the 20 left below AWS's 100 are for the newest versions, which are always
    /// written, and for writes racing on other instances. 10 to 99.
    /// </summary>
    [Range(10, 99, ErrorMessage = "KvReplicator:Coalescing:RecentVersionThreshold must be between 10 and 99 (Secrets Manager refuses more than 100 recent versions).")]
    public int RecentVersionThreshold { get; set; } = 80;
}
