using Spectre.Console;

namespace KvReplicator.Cli.Output;

/// <summary>
/// A cell or a line of a report: text, shown as it is (never parsed as markup, since names and reasons may hold
/// brackets), and a colour a terminal shows and a pipe drops.
/// </summary>
internal readonly record struct ReportText(string Text, Color? Color = null)
{
    public static implicit operator ReportText(string? text) => new(text ?? string.Empty);

    /// <summary>Red when the count is not zero: for counts of things that went wrong.</summary>
    public static ReportText Problems(long count) =>
        new(count.ToString(System.Globalization.CultureInfo.InvariantCulture), count == 0 ? null : Spectre.Console.Color.Red);
}
