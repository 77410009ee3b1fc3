using System.Text;

namespace Scraper.Extraction;

/// <summary>
/// A lexical pre-pass that drops start and end tags nested deeper than a limit, keeping all text. It tracks only
/// elements that really nest: void elements and those whose end tag the parser implies (p, li, td…) are not
/// counted, so ordinary pages pass through untouched and are returned as the same string.
/// </summary>
internal static class DepthLimiter
{
    private static readonly HashSet<string> NotNesting = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen",
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "rb", "rt", "rp", "colgroup",
        "html", "head", "body",
    };
    private static readonly HashSet<string> RawText = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "textarea", "title", "xmp", "plaintext", "noembed", "noframes" };

    // Tag names are looked up as spans of the page: every page goes through here, and a string per tag was most of the work.
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> NotNestingByName = NotNesting.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> RawTextByName = RawText.GetAlternateLookup<ReadOnlySpan<char>>();

    private static bool IsForeignRoot(ReadOnlySpan<char> name) =>
        name.Equals("svg", StringComparison.OrdinalIgnoreCase) || name.Equals("math", StringComparison.OrdinalIgnoreCase);

    public static string Flatten(string html, int maxDepth)
    {
        // The open elements as (name start, name length) in the page, and whether their tags are dropped.
        var open = new List<(int NameStart, int NameLength, bool Dropped)>();
        // Open elements per name, so a stray end tag does not scan a 100,000-deep stack.
        var openCount = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var openCountByName = openCount.GetAlternateLookup<ReadOnlySpan<char>>();
        var foreign = 0; // inside <svg> or <math>, "<x/>" really is self-closing
        StringBuilder? output = null; // created at the first dropped tag: most pages need no copy
        var copiedUpTo = 0;
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0 || lt + 1 >= html.Length) break;
            if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var endComment = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                i = endComment < 0 ? html.Length : endComment + 3;
                continue;
            }
            var gt = html.IndexOf('>', lt + 1);
            if (gt < 0) break;
            var isEnd = html[lt + 1] == '/';
            var nameStart = isEnd ? lt + 2 : lt + 1;
            var nameEnd = nameStart;
            while (nameEnd < gt && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] is '-' or ':')) nameEnd++;
            if (nameEnd == nameStart || !char.IsAsciiLetter(html[nameStart])) { i = lt + 1; continue; }
            var name = html.AsSpan(nameStart, nameEnd - nameStart);
            var drop = false;
            if (!isEnd && RawTextByName.TryGetValue(name, out var rawText))
            {
                // Skip the raw text element's content: it holds no tags.
                var close = html.IndexOf("</" + rawText, gt + 1, StringComparison.OrdinalIgnoreCase);
                i = close < 0 ? html.Length : close;
                continue;
            }
            if (NotNestingByName.Contains(name)) { i = gt + 1; continue; }
            if (!isEnd)
            {
                var selfClosing = html[gt - 1] == '/' && (foreign > 0 || IsForeignRoot(name));
                if (!selfClosing)
                {
                    drop = open.Count >= maxDepth;
                    open.Add((nameStart, name.Length, drop));
                    openCountByName[name] = openCountByName.TryGetValue(name, out var count) ? count + 1 : 1;
                    if (IsForeignRoot(name)) foreign++;
                }
            }
            else
            {
                var at = -1;
                if (openCountByName.TryGetValue(name, out var count) && count > 0)
                {
                    for (var k = open.Count - 1; k >= 0 && at < 0; k--)
                        if (html.AsSpan(open[k].NameStart, open[k].NameLength).Equals(name, StringComparison.OrdinalIgnoreCase)) at = k;
                }
                if (at >= 0)
                {
                    drop = open[at].Dropped;
                    for (var k = at; k < open.Count; k++)
                    {
                        var closed = html.AsSpan(open[k].NameStart, open[k].NameLength);
                        openCountByName[closed] = openCountByName[closed] - 1;
                        if (IsForeignRoot(closed)) foreign--;
                    }
                    open.RemoveRange(at, open.Count - at);
                }
            }
            if (drop)
            {
                output ??= new StringBuilder(html.Length);
                output.Append(html, copiedUpTo, lt - copiedUpTo);
                copiedUpTo = gt + 1;
            }
            i = gt + 1;
        }
        if (output is null) return html;
        output.Append(html, copiedUpTo, html.Length - copiedUpTo);
        return output.ToString();
    }
}
