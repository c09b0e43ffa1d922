using System.CommandLine;
using KvReplicator.Cli;
using KvReplicator.Cli.Commands;
using KvReplicator.Cli.Invocation;

// Ctrl-C and SIGTERM become the verbs' cancellation, so each stops in its own way and says so in one line (serve
// drains its deliveries). The parser's handling would cut that short, and its exception handler prints stack traces.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
ParseResult parsed = new KvrepRootCommand().Parse(args);
using var signal = new TerminationSignal(CancellationToken.None);
try
{
    int exitCode = await parsed.InvokeAsync(invocation, signal.Token);
    return parsed.Errors.Count > 0 ? ExitCodes.InvalidConfiguration : exitCode;
}
catch (Exception exception)
{
    return await CommandFailure.ReportUnexpectedAsync(exception, Console.Error);
}
