namespace KvReplicator.Cli;

/// <summary>The exit codes of <c>kvrep</c>, so scripts can tell failures apart.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something failed that the command did not expect; details are on stderr.</summary>
    public const int UnexpectedError = 1;

    /// <summary>The command line or the configuration is wrong; stderr says what to set.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>The command ran to the end and its checks found a problem (e.g. <c>kvrep chaos</c> lost a version); stdout says which.</summary>
    public const int ChecksFailed = 3;

    /// <summary>Stopped by Ctrl-C or SIGTERM before it finished.</summary>
    public const int Cancelled = 130;
}
