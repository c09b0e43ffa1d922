namespace KvReplicator.TestPlan.Targets;

/// <summary>
/// What the replicator's Secrets Manager requests were signed with, observed on the wire: how many were signed,
/// how many carried a session token and a temporary (<c>ASIA…</c>) access key id, how many distinct access key ids
/// signed them (a refresh brings a new one), how many sessions STS issued, and how long each lives.
/// </summary>
public sealed record CredentialTally(
    string SourceName,
    long SignedRequests,
    long WithSessionToken,
    long WithTemporaryKey,
    int DistinctAccessKeys,
    long SessionsIssued,
    TimeSpan Lifetime)
{
    /// <summary>Every signed request carried a session token and a temporary access key id.</summary>
    public bool AllTemporary => SignedRequests > 0 && WithSessionToken == SignedRequests && WithTemporaryKey == SignedRequests;
}
