namespace KvReplicator.Cli;

/// <summary>The exit codes of <c>kvrep</c>, so scripts can tell failures apart.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something failed that the command did not expect; details are on stderr.</summary>
    public const int UnexpectedError = 1;

    /// <summary>The command line or the configuration is wrong; stderr says what to set.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>
    /// <c>verify</c> found drift, <c>sync</c> left some (a dry run, a conflict it must not touch), or <c>status</c>
    /// shows a secret that is not in sync or excluded.
    /// </summary>
    public const int DriftFound = 3;

    /// <summary><c>sync</c> could not repair some secrets; the report says which and why, and the next run retries them.</summary>
    public const int SyncIncomplete = 4;

    /// <summary><c>kvrep replay</c>: at least one dead-lettered event still fails (or a dead letter is unreadable); it stays in place.</summary>
    public const int EventsStillFailing = 5;

    // 6 to 8 belong to kvrep-dev (src/KvReplicator.DevTools/DevExitCodes.cs): one number, one meaning, in both programs.

    /// <summary>
    /// A store did not answer, or answered that it is busy or failing (network, DNS timeout, throttling, 5xx):
    /// nothing was changed, and a later run may pass. stderr names the store and what to check.
    /// </summary>
    public const int StoreUnavailable = 9;

    /// <summary>
    /// A store answered and refused: TLS trust, the authentication challenge, credentials, a missing permission,
    /// or not the store the settings name. A setting or a role assignment must change; stderr says which.
    /// </summary>
    public const int StoreRefused = 10;

    /// <summary>Stopped by Ctrl-C or SIGTERM before it finished.</summary>
    public const int Cancelled = 130;
}
