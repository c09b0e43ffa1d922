using System.CommandLine;
using KvReplicator.Cli.Commands;

// Ctrl-C is left to each command (the web host drains deliveries gracefully), not cut short by the parser.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
return await new KvrepRootCommand().Parse(args).InvokeAsync(invocation);
