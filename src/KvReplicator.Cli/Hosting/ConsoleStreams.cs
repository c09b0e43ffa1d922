using Spectre.Console;

namespace KvReplicator.Cli.Hosting;

/// <summary>Spectre consoles over the command's own writers, so tests that capture output see plain text.</summary>
internal static class ConsoleStreams
{
    public static IAnsiConsole For(TextWriter writer, bool interactive) =>
        AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });

    /// <summary>A live display (progress bar) only when stderr is this process's terminal.</summary>
    public static bool IsInteractiveError(TextWriter error) =>
        ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null;
}
