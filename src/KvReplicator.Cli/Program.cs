using System.CommandLine;
using KvReplicator.Cli;
using KvReplicator.Cli.Commands;

// Ctrl-C is left to each command (the web host drains deliveries gracefully), not cut short by the parser.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
ParseResult parsed = new KvrepRootCommand().Parse(args);
int exitCode = await parsed.InvokeAsync(invocation);
return parsed.Errors.Count > 0 ? ExitCodes.InvalidConfiguration : exitCode;
