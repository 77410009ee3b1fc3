using System.Text;

namespace Scraper;

/// <summary>
/// Text from the web made safe to print on a terminal: control characters (ESC, BEL, backspace, carriage return, the
/// C1 range…) would let a page move the cursor, retitle the window, ring the bell or hide what was printed, so each is
/// shown as U+FFFD. Line breaks are kept only where the caller says so (multi-line output writes its own).
/// JSON output needs none of this: its serializer escapes control characters.
/// </summary>
public static class TerminalText
{
    public const char Replacement = '\uFFFD';

    /// <summary>The text with every control character replaced; null stays null.</summary>
    public static string Safe(string text) => Replace(text, keepNewlines: false);

    /// <summary>The same, keeping line feeds (and tabs) for text that spans lines on purpose.</summary>
    public static string SafeLines(string text) => Replace(text, keepNewlines: true);

    public static bool IsUnsafe(char c) => char.IsControl(c)
        // Bidirectional overrides and isolates reorder what follows them on screen (CVE-2021-42574, "Trojan Source").
        || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    private static string Replace(string text, bool keepNewlines)
    {
        var first = -1;
        for (var i = 0; i < text.Length; i++)
            if (IsUnsafe(text[i]) && !(keepNewlines && text[i] is '\n' or '\t')) { first = i; break; }
        if (first < 0) return text;
        var sb = new StringBuilder(text.Length).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            sb.Append(IsUnsafe(c) && !(keepNewlines && c is '\n' or '\t') ? Replacement : c);
        }
        return sb.ToString();
    }
}
