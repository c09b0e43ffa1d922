namespace KvReplicator.Cli.Invocation;

/// <summary>Carries a <see cref="CommandFailure"/> found deep in a verb (the preflight) out to the verb, which writes it.</summary>
internal sealed class CommandFailureException(CommandFailure failure) : Exception(string.Join(" ", failure.Lines))
{
    public CommandFailure Failure { get; } = failure;
}
