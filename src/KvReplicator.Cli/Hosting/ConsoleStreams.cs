using Spectre.Console;

namespace KvReplicator.Cli.Hosting;

/// <summary>Spectre consoles over the command's own writers, so tests that capture output see plain text.</summary>
internal static class ConsoleStreams
{
    /// <summary>Width of tables written to a file or pipe, where no terminal says how wide to be.</summary>
    public const int RedirectedWidth = 160;

    public static IAnsiConsole For(TextWriter writer, bool interactive)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    /// <summary>A live display (progress bar) only when stderr is this process's terminal.</summary>
    public static bool IsInteractiveError(TextWriter error) =>
        ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null;
}
