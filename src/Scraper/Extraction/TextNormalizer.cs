using System.Text;

namespace Scraper.Extraction;

/// <summary>Whitespace normalisation: the only change made to published text.</summary>
public static class TextNormalizer
{
    /// <summary>Runs of whitespace (including no-break and ideographic spaces) become one space; ends trimmed.</summary>
    public static string Collapse(string text)
    {
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || c == '\u200B' || c == '\uFEFF')
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace) sb.Append(' ');
            pendingSpace = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    public static string? NullIfEmpty(string? text) =>
        text is null ? null : Collapse(text) is { Length: > 0 } collapsed ? collapsed : null;
}
