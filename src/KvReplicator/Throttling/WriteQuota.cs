namespace KvReplicator.Throttling;

/// <summary>
/// The AWS quota a target's Secrets Manager write calls count against: AWS allows 50 write calls a second per
/// account and Region, so targets with the same quota share one <see cref="WriteRateLimiter"/> and targets with
/// different ones never wait for each other.
/// </summary>
/// <param name="AccountId">The account, 12 digits; null when the settings do not tell it, and the quota then stands for the whole Region.</param>
/// <param name="Region">The Region's name, lower case (e.g. <c>eu-west-1</c>).</param>
internal sealed record WriteQuota(string? AccountId, string Region)
{
    /// <summary>How logs, reports and the checklist name it: <c>111122223333/eu-west-1</c>, or <c>eu-west-1</c> for a whole Region.</summary>
    public override string ToString() => AccountId is null ? Region : $"{AccountId}/{Region}";
}
