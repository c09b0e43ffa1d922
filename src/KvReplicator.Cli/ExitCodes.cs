namespace KvReplicator.Cli;

/// <summary>The exit codes of <c>kvrep</c>, so scripts can tell failures apart.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something failed that the command did not expect; details are on stderr.</summary>
    public const int UnexpectedError = 1;

    /// <summary>The command line or the configuration is wrong; stderr says what to set.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>The run finished but found something wrong: a version lost, written twice, or a test case failed.</summary>
    public const int VerificationFailed = 3;

    /// <summary>A program the command needs (moto_server, Azurite) is not installed; stderr says how to install it.</summary>
    public const int PrerequisiteMissing = 4;

    /// <summary>Stopped by Ctrl-C or SIGTERM before it finished.</summary>
    public const int Cancelled = 130;
}
