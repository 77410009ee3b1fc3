using System.Globalization;
using System.Text;

namespace Scraper.Cli;

/// <summary>A plain aligned text table for terminal output; CJK characters count as two columns. Cells come from web
/// pages and servers: their control characters and line breaks are shown as U+FFFD, never sent to the terminal.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> rows = [];

    public void Add(params string?[] cells) => rows.Add(cells.Select(c => c is null ? "-" : TerminalText.Safe(c)).ToArray());

    public int Count => rows.Count;

    /// <summary>Every column padded to its widest cell except the last, which runs to the end of the line.</summary>
    public string Render()
    {
        var widths = headers.Select((h, i) => rows.Select(r => Width(r[i])).Prepend(Width(h)).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows.Prepend(headers))
        {
            for (var i = 0; i < row.Length; i++)
            {
                text.Append(row[i]);
                if (i < row.Length - 1)
                    text.Append(' ', widths[i] - Width(row[i]) + 2);
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Shortens <paramref name="text"/> to at most <paramref name="max"/> columns, ending in an ellipsis.</summary>
    public static string? Truncate(string? text, int max)
    {
        if (text is null || Width(text) <= max)
            return text;
        var result = new StringBuilder();
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var w = RuneWidth(rune);
            if (width + w > max - 1)
                break;
            result.Append(rune.ToString());
            width += w;
        }
        return result.Append('…').ToString();
    }

    private static int Width(string text) => text.EnumerateRunes().Sum(RuneWidth);

    // East Asian wide and full-width ranges take two terminal columns.
    private static int RuneWidth(Rune rune) => rune.Value switch
    {
        >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
            or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x20000 and <= 0x3FFFD => 2,
        _ when Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.Format => 0,
        _ => 1,
    };
}
