using System.Text;

namespace RestoreAgents.Bench.Report;

/// <summary>Rows of cells, rendered as aligned text for the terminal or as a Markdown table for the report.</summary>
public sealed class TextTable(params string[] header)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells)
    {
        if (cells.Length != header.Length)
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {header.Length} columns");
        _rows.Add(cells);
    }

    public string ToText()
    {
        var widths = header.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells) =>
            text.AppendLine(string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
        Line(header);
        Line(widths.Select(w => new string('-', w)).ToArray());
        _rows.ForEach(Line);
        return text.ToString();
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine($"| {string.Join(" | ", header)} |");
        text.AppendLine($"|{string.Join("|", header.Select((_, i) => i == 0 ? " --- " : " ---: "))}|");
        foreach (var row in _rows)
            text.AppendLine($"| {string.Join(" | ", row.Select(c => c.Replace("|", "\\|")))} |");
        return text.ToString();
    }
}
