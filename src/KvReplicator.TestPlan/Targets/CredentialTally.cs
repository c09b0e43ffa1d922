namespace KvReplicator.TestPlan.Targets;

/// <summary>
/// What the replicator's credential source handed out: how many distinct credentials (a refresh makes a new
/// one), whether every one carried a session token (temporary credentials do), and their lifetime.
/// </summary>
public sealed record CredentialTally(long Issued, bool AllHadSessionToken, TimeSpan Lifetime, string SourceName);
