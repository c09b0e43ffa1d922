using KvReplicator.Cli.Output;
using Spectre.Console;

namespace KvReplicator.Tests.Output;

public sealed class ReportWriterTests
{
    private static readonly string[] s_boxDrawing = ["│", "─", "╭", "┌", "+--", "|"];

    [Fact]
    public void Piped_tables_are_plain_columns_aligned_with_spaces_one_row_per_line()
    {
        var output = new StringWriter { NewLine = "\n" };
        var table = new ReportTable { Title = "Secrets" }.AddColumns("Secret", "State").AddColumn("Writes", Justify.Right);
        table.AddRow("app-db", "InSync", "12");
        table.AddRow("a", new ReportText("Missing", Color.Red), "3");

        new ReportWriter(output).Write(table);

        Assert.Equal(
            """
            Secrets
            Secret  State    Writes
            app-db  InSync       12
            a       Missing       3


            """.ReplaceLineEndings("\n"),
            output.ToString());
    }

    [Fact]
    public void Plain_text_has_no_box_drawing_no_ansi_no_trailing_spaces_and_keeps_a_cell_on_its_row()
    {
        var output = new StringWriter();
        var table = new ReportTable().AddColumns("Dead letter", "Detail");
        table.AddRow("deadletters/2026/11/23/event.json", "ThrottlingException\nfrom [secretsmanager]");
        table.AddRow("short");

        var writer = new ReportWriter(output);
        writer.Write(table);
        writer.WriteLine(new ReportText("FAILED: see the rows above.", Color.Red));

        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal("deadletters/2026/11/23/event.json  ThrottlingException from [secretsmanager]", lines[1]);
        Assert.Equal("short", lines[2]);
        Assert.Equal("FAILED: see the rows above.", lines[3]);
        Assert.All(lines, line => Assert.Equal(line.TrimEnd(), line));
        Assert.DoesNotContain("\u001b[", output.ToString(), StringComparison.Ordinal);
        Assert.All(s_boxDrawing, box => Assert.DoesNotContain(box, output.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void A_table_whose_headers_are_all_empty_has_no_header_line()
    {
        var output = new StringWriter();
        var table = new ReportTable().AddColumns("", "");
        table.AddRow("Lost", ReportText.Problems(0));
        table.AddRow("Duplicate AWS versions", ReportText.Problems(2));

        new ReportWriter(output).Write(table);

        Assert.Equal(["Lost                    0", "Duplicate AWS versions  2"], output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_terminal_gets_a_spectre_table_with_borders_and_colour_and_text_is_never_read_as_markup()
    {
        var output = new StringWriter();
        IAnsiConsole terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Interactive = InteractionSupport.No,
        });
        var table = new ReportTable().AddColumns("Secret", "Lost");
        table.AddRow("name-[red]", ReportText.Problems(1));

        new ReportWriter(output, terminal).Write(table);

        string text = output.ToString();
        Assert.Contains("╭", text, StringComparison.Ordinal);
        Assert.Contains("\u001b[", text, StringComparison.Ordinal);
        Assert.Contains("name-[red]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_writer_that_is_not_this_process_terminal_is_plain()
    {
        Assert.False(ConsoleStreams.IsTerminal(new StringWriter()));
        Assert.False(ConsoleStreams.IsInteractiveError(new StringWriter()));
    }

    [Fact]
    public void Rows_are_checked_against_the_columns()
    {
        var table = new ReportTable().AddColumns("One");

        Assert.Throws<ArgumentException>(() => table.AddRow("a", "b"));
        table.AddRow("a");
        Assert.Throws<InvalidOperationException>(() => table.AddColumn("Two"));
    }
}
