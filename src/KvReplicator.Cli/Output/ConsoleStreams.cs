using Spectre.Console;

namespace KvReplicator.Cli.Output;

/// <summary>Whether a command writes to a person's terminal, and Spectre consoles for the writers that are one.</summary>
internal static class ConsoleStreams
{
    /// <summary>
    /// True only for this process's own stdout or stderr while it is a terminal: a pipe, a file or a test's
    /// <see cref="StringWriter"/> gets plain text that grep, cut and diff can read.
    /// </summary>
    public static bool IsTerminal(TextWriter writer) =>
        (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected) ||
        (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);

    /// <summary>A live display (progress bar) only on a terminal stderr, and not under CI, whose log would keep every frame.</summary>
    public static bool IsInteractiveError(TextWriter error) =>
        ReferenceEquals(error, Console.Error) && IsTerminal(error) && Environment.GetEnvironmentVariable("CI") is null;

    /// <summary>Spectre over a terminal writer: colours, width and box drawing as the terminal supports them.</summary>
    public static IAnsiConsole ForTerminal(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = AnsiSupport.Detect,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = InteractionSupport.Detect,
    });
}
