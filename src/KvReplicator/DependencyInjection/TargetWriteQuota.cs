using System.Globalization;
using KvReplicator.Throttling;

namespace KvReplicator.DependencyInjection;

/// <summary>The AWS write quota one target's writes count against, and the limit the process keeps under it.</summary>
/// <param name="TargetId">The target's id; <c>default</c> for the single target of <c>KvReplicator:SecretsManager</c>.</param>
/// <param name="LimitKey">The section the limit comes from: <c>KvReplicator:WriteRateLimit</c> or a target's <c>WriteRateLimit</c>.</param>
/// <param name="SharedWith">The other targets whose writes count against the same quota and wait for the same limiter.</param>
internal sealed record TargetWriteQuota(string TargetId, WriteQuota Quota, WriteRateLimitOptions Limit, string LimitKey, IReadOnlyList<string> SharedWith)
{
    /// <summary>The limit in one line, after the quota's name, e.g. <c>20 writes/s, burst 10 (KvReplicator:WriteRateLimit), shared with dr-eu</c>.</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Limit.PermitsPerSecond:0.##} writes/s, burst {Limit.Burst} ({LimitKey})")
        + (SharedWith.Count == 0 ? string.Empty : $", shared with {string.Join(", ", SharedWith)}")
        + (Quota.AccountId is null ? "; account not known from the settings, so the whole Region's quota (set the target's AccountId)" : string.Empty);
}
