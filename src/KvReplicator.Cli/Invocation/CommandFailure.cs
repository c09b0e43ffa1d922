using KvReplicator.Cli.Configuration;
using KvReplicator.Preflight;
using KvReplicator.Replication;

namespace KvReplicator.Cli.Invocation;

/// <summary>
/// An expected failure of a verb: the lines it writes on stderr (one per problem, never a stack trace) and the
/// exit code (<see cref="ExitCodes"/>) that tells scripts what kind of failure it was.
/// </summary>
internal sealed record CommandFailure(int ExitCode, IReadOnlyList<string> Lines)
{
    /// <summary>
    /// The failure an exception stands for, or null when it is not one a verb expects (a bug): a configuration
    /// error, a store's classified failure, a failed preflight, or Ctrl-C.
    /// </summary>
    public static CommandFailure? From(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        CommandFailureException failure => failure.Failure,
        OperationCanceledException when cancellationToken.IsCancellationRequested => Cancelled,
        _ when CommandConfiguration.Describe(exception) is { } problems => new(ExitCodes.InvalidConfiguration, problems),
        SecretStoreException store => new(store.IsTransient ? ExitCodes.StoreUnavailable : ExitCodes.StoreRefused, [store.Message]),
        _ => null,
    };

    /// <summary>Stopped by Ctrl-C or SIGTERM: what a verb wrote until then stays, the rest is for the next run.</summary>
    public static CommandFailure Cancelled { get; } = new(ExitCodes.Cancelled, ["stopped by Ctrl-C or SIGTERM before it finished."]);

    /// <summary>The failed checks of a preflight, one line each, or null when it passed.</summary>
    public static CommandFailure? FromPreflight(PreflightReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Passed ? null : new(ExitCodeOf(report.Worst), [.. report.Failures.Select(Line)]);
    }

    /// <summary>What a preflight's worst failure means to a script.</summary>
    public static int ExitCodeOf(PreflightFailure failure) => failure switch
    {
        PreflightFailure.None => ExitCodes.Success,
        PreflightFailure.Settings => ExitCodes.InvalidConfiguration,
        PreflightFailure.Refused => ExitCodes.StoreRefused,
        _ => ExitCodes.StoreUnavailable,
    };

    /// <summary>A failed check as one line: the store, what of it, and the detail that names the setting.</summary>
    public static string Line(PreflightCheck check) =>
        check.Target == "-" ? $"{check.Store}: {check.Detail}" : $"{check.Store} [{check.Target}]: {check.Detail}";

    public async Task WriteAsync(TextWriter error, string verb)
    {
        ArgumentNullException.ThrowIfNull(error);
        foreach (string line in Lines)
        {
            await error.WriteLineAsync($"kvrep {verb}: {line}").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The one line for an exception no verb expects (a bug). Its message is not shown, as an SDK's may quote a
    /// response; <c>KVREP_TRACE=1</c> prints the whole exception for whoever debugs it.
    /// </summary>
    public static async Task<int> ReportUnexpectedAsync(Exception exception, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(error);
        await error.WriteLineAsync(
            $"kvrep: unexpected {exception.GetType().Name}; please report it as a bug (KVREP_TRACE=1 prints its details).").ConfigureAwait(false);
        if (Environment.GetEnvironmentVariable("KVREP_TRACE") == "1")
        {
            await error.WriteLineAsync(exception.ToString()).ConfigureAwait(false);
        }

        return ExitCodes.UnexpectedError;
    }
}
