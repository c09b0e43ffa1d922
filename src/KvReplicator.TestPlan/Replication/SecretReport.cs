namespace KvReplicator.TestPlan.Replication;

/// <summary>What reached Secrets Manager for one Key Vault secret. Hashes and counts only, never a value.</summary>
public sealed record SecretReport(
    string Name,
    string TargetName,
    int VersionsWritten,
    int Replicated,
    int Lost,
    int ValueMismatches,
    int DuplicateAwsVersions,
    bool CurrentMatches,
    string? CurrentVersion,
    string? PreviousVersion,
    double? MaxLagMs,
    IReadOnlyList<string> Formats,
    int LargestValueBytes)
{
    public bool Succeeded => Lost == 0 && ValueMismatches == 0 && DuplicateAwsVersions == 0 && CurrentMatches;
}
