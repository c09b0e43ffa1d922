namespace KvReplicator.DevTools.Bench;

/// <summary>What reached Secrets Manager, checked after the run with a client the counters do not see.</summary>
internal sealed record BenchVerification(int WrittenVersions, int ReplicatedVersions, int MissingVersions, int ExtraAwsVersions, int WrongCurrentVersions)
{
    public static readonly BenchVerification None = new(0, 0, 0, 0, 0);

    public bool IsConsistent => ReplicatedVersions == WrittenVersions && MissingVersions == 0 && ExtraAwsVersions == 0 && WrongCurrentVersions == 0;

    /// <summary>The checks of two runs as one.</summary>
    public BenchVerification Add(BenchVerification other) => new(
        WrittenVersions + other.WrittenVersions,
        ReplicatedVersions + other.ReplicatedVersions,
        MissingVersions + other.MissingVersions,
        ExtraAwsVersions + other.ExtraAwsVersions,
        WrongCurrentVersions + other.WrongCurrentVersions);
}
