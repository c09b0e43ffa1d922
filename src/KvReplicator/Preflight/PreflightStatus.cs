namespace KvReplicator.Preflight;

internal enum PreflightStatus
{
    Passed,
    Failed,

    /// <summary>Not run: the store is not configured, or a check it requires failed.</summary>
    Skipped,
}
