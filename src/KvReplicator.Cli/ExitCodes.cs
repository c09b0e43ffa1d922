namespace KvReplicator.Cli;

/// <summary>The exit codes of <c>kvrep</c>, so scripts can tell failures apart.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something failed that the command did not expect; details are on stderr.</summary>
    public const int UnexpectedError = 1;

    /// <summary>The command line or the configuration is wrong; stderr says what to set.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary><c>kvrep bench</c> finished, but what reached Secrets Manager differs from what was written to Key Vault.</summary>
    public const int BenchInconsistent = 3;

    /// <summary>Stopped by Ctrl-C or SIGTERM before it finished.</summary>
    public const int Cancelled = 130;
}
