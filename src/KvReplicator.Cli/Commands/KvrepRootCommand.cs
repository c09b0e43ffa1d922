using System.CommandLine;

namespace KvReplicator.Cli.Commands;

/// <summary>The <c>kvrep</c> root: one subcommand per verb.</summary>
internal sealed class KvrepRootCommand : RootCommand
{
    public KvrepRootCommand()
        : base("kvrep: replicate Azure Key Vault secrets to AWS Secrets Manager.")
    {
        Subcommands.Add(new ServeCommand());
        Subcommands.Add(new SyncCommand());
        Subcommands.Add(new VerifyCommand());
        Subcommands.Add(new ReplayCommand());
        Subcommands.Add(new StatusCommand());
        Subcommands.Add(new DoctorCommand());
    }
}
