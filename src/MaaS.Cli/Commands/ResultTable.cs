namespace MaaS.Cli.Commands;

/// <summary>
/// A table of results: drawn with borders and fitted to the terminal's width when the output is a terminal, else
/// written as plain columns (a title line, a header, one line per row, cells padded and separated by two spaces, never
/// wrapped), so redirected output stays one row per line for files, pipes and scripts. Cells are plain text.
/// </summary>
internal sealed class ResultTable(string title)
{
    private const string Gap = "  ";

    private readonly List<string> _columns = [];
    private readonly List<(string[] Cells, bool Reference)> _rows = [];

    public ResultTable AddColumns(params string[] columns)
    {
        _columns.AddRange(columns);
        return this;
    }

    public ResultTable AddRow(params string[] cells)
    {
        _rows.Add((cells, false));
        return this;
    }

    /// <summary>A row of figures quoted from elsewhere (published results), shown muted on a terminal.</summary>
    public ResultTable AddReferenceRow(params string[] cells)
    {
        _rows.Add((cells, true));
        return this;
    }

    /// <summary>Writes the table to <see cref="AnsiConsole"/> (the console a captured run replaces, too).</summary>
    public void Write()
    {
        var console = AnsiConsole.Console;
        if (console.Profile.Out.IsTerminal)
        {
            console.Write(ToSpectre());
        }
        else
        {
            WritePlain(console.Profile.Out.Writer);
        }
    }

    private Table ToSpectre()
    {
        var table = new Table().Title(Markup.Escape(title));
        table.AddColumns([.. _columns.Select(Markup.Escape)]);
        foreach (var (cells, reference) in _rows)
        {
            table.AddRow([.. cells.Select(c => reference && c.Length > 0 ? $"[grey]{Markup.Escape(c)}[/]" : Markup.Escape(c))]);
        }

        return table;
    }

    private void WritePlain(TextWriter writer)
    {
        List<string[]> lines = [[.. _columns], .. _rows.Select(r => r.Cells)];
        int[] widths = new int[_columns.Count];
        foreach (var cells in lines)
        {
            for (int i = 0; i < Math.Min(cells.Length, widths.Length); i++)
            {
                widths[i] = Math.Max(widths[i], cells[i].Length);
            }
        }

        writer.WriteLine(title);
        foreach (var cells in lines)
        {
            writer.WriteLine(string.Join(Gap, cells.Take(widths.Length).Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }

        writer.Flush();
    }
}
