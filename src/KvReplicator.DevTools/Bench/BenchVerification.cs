namespace KvReplicator.DevTools.Bench;

/// <summary>What reached Secrets Manager, checked after the run with a client the counters do not see.</summary>
internal sealed record BenchVerification(int WrittenVersions, int ReplicatedVersions, int MissingVersions, int ExtraAwsVersions, int WrongCurrentVersions)
{
    public bool IsConsistent => ReplicatedVersions == WrittenVersions && MissingVersions == 0 && ExtraAwsVersions == 0 && WrongCurrentVersions == 0;
}
