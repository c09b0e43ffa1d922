using System.Text;
using Spectre.Console;

namespace KvReplicator.Cli.Output;

/// <summary>
/// The one way <c>kvrep</c> and <c>kvrep-dev</c> print reports for people: on a terminal, Spectre tables with
/// borders and colour; anywhere else (a pipe, a file, a test), plain text: one row per line, columns aligned
/// with spaces, an empty line after each table, no box drawing, no ANSI, nothing wrapped. Scripts that need
/// structure use <c>--json</c>.
/// </summary>
internal sealed class ReportWriter
{
    private const string ColumnGap = "  ";

    private readonly TextWriter _output;
    private readonly IAnsiConsole? _terminal;

    /// <summary>Spectre when <paramref name="output"/> is this process's terminal, plain text otherwise.</summary>
    public ReportWriter(TextWriter output)
        : this(output, ConsoleStreams.IsTerminal(output) ? ConsoleStreams.ForTerminal(output) : null)
    {
    }

    /// <param name="terminal">The console to draw on, or null for plain text on <paramref name="output"/>.</param>
    internal ReportWriter(TextWriter output, IAnsiConsole? terminal)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _terminal = terminal;
    }

    public void Write(ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (_terminal is not null)
        {
            _terminal.Write(ToSpectre(table));
            return;
        }

        if (table.Title is not null)
        {
            _output.WriteLine(OneLine(table.Title));
        }

        string[][] lines = [.. (table.HasHeaders ? [[.. table.Columns.Select(column => column.Header)]] : Array.Empty<string[]>())
            .Concat(table.Rows.Select(row => row.Select(cell => OneLine(cell.Text)).ToArray()))];
        int[] widths = [.. table.Columns.Select((_, i) => lines.Max(line => (int?)line[i].Length) ?? 0)];
        var text = new StringBuilder();
        foreach (string[] line in lines)
        {
            text.Clear();
            for (int i = 0; i < line.Length; i++)
            {
                if (i > 0)
                {
                    text.Append(ColumnGap);
                }

                text.Append(table.Columns[i].Alignment == Justify.Right ? line[i].PadLeft(widths[i]) : line[i].PadRight(widths[i]));
            }

            _output.WriteLine(text.ToString().TrimEnd());
        }

        // Borders set a terminal's tables apart; in plain text an empty line does.
        _output.WriteLine();
    }

    /// <summary>A line of prose: coloured on a terminal, as it is elsewhere.</summary>
    public void WriteLine(ReportText line = default)
    {
        string text = line.Text ?? string.Empty;
        if (_terminal is null)
        {
            _output.WriteLine(text);
        }
        else
        {
            _terminal.Write(new Text(text + "\n", line.Color is { } color ? new Style(color) : Style.Plain));
        }
    }

    private static Table ToSpectre(ReportTable table)
    {
        var spectre = new Table().Border(TableBorder.Rounded);
        if (table.Title is not null)
        {
            spectre.Title(new TableTitle(Markup.Escape(table.Title)));
        }

        if (!table.HasHeaders)
        {
            spectre.HideHeaders();
        }

        foreach ((string header, Justify alignment) in table.Columns)
        {
            spectre.AddColumn(new TableColumn(new Text(header)) { Alignment = alignment });
        }

        foreach (ReportText[] row in table.Rows)
        {
            spectre.AddRow([.. row.Select(cell => new Text(cell.Text ?? string.Empty, cell.Color is { } color ? new Style(color) : Style.Plain))]);
        }

        return spectre;
    }

    /// <summary>A cell's line breaks would break the one-row-per-line promise of plain text.</summary>
    private static string OneLine(string? text) =>
        string.IsNullOrEmpty(text) ? string.Empty : text.ReplaceLineEndings(" ");
}
