using Spectre.Console;

namespace KvReplicator.Cli.Output;

/// <summary>The rows and columns of a report table; <see cref="ReportWriter"/> decides how it looks.</summary>
internal sealed class ReportTable
{
    private readonly List<(string Header, Justify Alignment)> _columns = [];
    private readonly List<ReportText[]> _rows = [];

    /// <summary>A line above the table.</summary>
    public string? Title { get; init; }

    public IReadOnlyList<(string Header, Justify Alignment)> Columns => _columns;

    public IReadOnlyList<ReportText[]> Rows => _rows;

    /// <summary>True when some column has a header (a key-value table has none).</summary>
    public bool HasHeaders => _columns.Any(column => column.Header.Length > 0);

    /// <summary>Left-aligned columns. Headers all empty: a table without a header row (key and value).</summary>
    public ReportTable AddColumns(params string[] headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (string header in headers)
        {
            AddColumn(header);
        }

        return this;
    }

    public ReportTable AddColumn(string header, Justify alignment = Justify.Left)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (_rows.Count > 0)
        {
            throw new InvalidOperationException("Add every column before the first row.");
        }

        _columns.Add((header, alignment));
        return this;
    }

    /// <summary>Adds a row; cells beyond those given are empty.</summary>
    /// <exception cref="ArgumentException">More cells than columns.</exception>
    public ReportTable AddRow(params ReportText[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length > _columns.Count)
        {
            throw new ArgumentException($"The row has {cells.Length} cells for {_columns.Count} columns.", nameof(cells));
        }

        ReportText[] row = new ReportText[_columns.Count];
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = i < cells.Length ? cells[i] : string.Empty;
        }

        _rows.Add(row);
        return this;
    }
}
