using KvReplicator.TestPlan.Statistics;

namespace KvReplicator.TestPlan.Replication;

/// <summary>The verdict of a replication run: per secret and in total.</summary>
public sealed record ReplicationReport(IReadOnlyList<SecretReport> Secrets, LagSummary Lag, TimeSpan Elapsed, int Seed)
{
    /// <summary>How <see cref="Lag"/> is measured, for readers of the report.</summary>
    public const string LagMeasurement =
        "first ListSecretVersionIds poll that lists the version, minus the moment the Key Vault SetSecret call returned (same clock; resolution: one poll round, 200 ms apart)";

    public int VersionsWritten => Secrets.Sum(s => s.VersionsWritten);

    public int Replicated => Secrets.Sum(s => s.Replicated);

    public int Lost => Secrets.Sum(s => s.Lost);

    public int ValueMismatches => Secrets.Sum(s => s.ValueMismatches);

    public int DuplicateAwsVersions => Secrets.Sum(s => s.DuplicateAwsVersions);

    public int CurrentMismatches => Secrets.Count(s => !s.CurrentMatches);

    public bool Succeeded => Secrets.Count > 0 && Secrets.All(s => s.Succeeded);
}
