using System.CommandLine;
using KvReplicator.Cli;
using KvReplicator.DevTools.Commands;

// Ctrl-C is left to each command (it stops the emulators and hosts it started), not cut short by the parser.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
ParseResult parsed = new KvrepDevRootCommand().Parse(args);
int exitCode = await parsed.InvokeAsync(invocation);
return parsed.Errors.Count > 0 ? ExitCodes.InvalidConfiguration : exitCode;
