namespace KvReplicator.Preflight;

/// <summary>
/// Thrown by a host that must not start with a store it cannot use (the Functions worker): the message holds one
/// sentence per failed check, each naming the setting to fix, and no value.
/// </summary>
internal sealed class PreflightFailedException : Exception
{
    public PreflightFailedException(PreflightReport report)
        : base(Describe(report ?? throw new ArgumentNullException(nameof(report))))
    {
        Report = report;
    }

    public PreflightReport Report { get; }

    private static string Describe(PreflightReport report) =>
        "KvReplicator cannot start: " + string.Join(" ", report.Failures.Select(check => $"{check.Store} [{check.Target}]: {check.Detail}"));
}
