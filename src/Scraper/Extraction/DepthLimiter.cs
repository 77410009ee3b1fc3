using System.Collections.Frozen;
using System.Runtime.InteropServices;
using System.Text;

namespace Scraper.Extraction;

/// <summary>
/// A lexical pre-pass that drops start and end tags nested deeper than a limit, keeping all text. It tracks only
/// elements that really nest: void elements and those whose end tag the parser implies (p, li, td…) are not
/// counted, so ordinary pages pass through untouched and are returned as the same string.
/// <para>
/// It also bounds what is parsed at all: the page is cut before its <c>maxElements</c>+1-th start tag, or where its
/// text (outside tags) passes <c>maxTextChars</c>. A parsed element costs several hundred bytes and each copy of the
/// text that extraction makes costs twice its length, so a 20 MB page of 700,000 tiny paragraphs took over a gigabyte;
/// the largest real pages we know have about 10,000 elements and well under a million characters of text.
/// </para>
/// </summary>
internal static class DepthLimiter
{
    private enum TagKind : byte { Nesting, NotNesting, RawText, ForeignRoot }

    private static readonly string[] NotNesting =
    [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen",
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "rb", "rt", "rp", "colgroup",
        "html", "head", "body",
    ];
    private static readonly string[] RawText = ["script", "style", "textarea", "title", "xmp", "plaintext", "noembed", "noframes"];
    private static readonly string[] ForeignRoots = ["svg", "math"]; // inside them, "<x/>" really is self-closing

    // Every page goes through here, several thousand tags each: a tag's name is turned into one number (NameKey) and
    // looked up once, where case-insensitive string hashing in several sets was most of the work.
    private static readonly FrozenDictionary<ulong, TagKind> Kinds =
        NotNesting.Select(name => (name, kind: TagKind.NotNesting))
            .Concat(RawText.Select(name => (name, kind: TagKind.RawText)))
            .Concat(ForeignRoots.Select(name => (name, kind: TagKind.ForeignRoot)))
            .ToFrozenDictionary(tag => NameKey(tag.name), tag => tag.kind);

    /// <summary>An open element: where its name is in the page, and whether its tags are dropped.</summary>
    private readonly record struct OpenElement(int NameStart, int NameLength, ulong Key, bool IsForeignRoot, bool Dropped);

    public static string Flatten(string html, int maxDepth, int maxElements = int.MaxValue, int maxTextChars = int.MaxValue)
    {
        var elements = 0;
        var textChars = 0L;
        var open = new List<OpenElement>();
        // Open elements past the first ShallowDepth levels, per name key: an end tag whose name is not among them is
        // looked for in those levels only, so a stray one never scans a 100,000-deep stack, and a page that never
        // nests that deep never counts.
        var deepOpenCount = new Dictionary<ulong, int>();
        var foreign = 0; // inside <svg> or <math>
        StringBuilder? output = null; // created at the first dropped tag: most pages need no copy
        var copiedUpTo = 0;
        var i = 0;
        while (i < html.Length)
        {
            // Tags often follow each other directly (</a></li>) or end right after the name: looking first spares
            // a vectorised search its set-up, which on short distances costs more than the search.
            var lt = html[i] == '<' ? i : html.IndexOf('<', i);
            textChars += (lt < 0 ? html.Length : lt) - i;
            if (textChars > maxTextChars)
                return Cut(html, output, copiedUpTo, (int)((lt < 0 ? html.Length : lt) - (textChars - maxTextChars)));
            if (lt < 0 || lt + 1 >= html.Length) break;
            if (html[lt + 1] == '!' && string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var endComment = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                i = endComment < 0 ? html.Length : endComment + 3;
                continue;
            }
            var isEnd = html[lt + 1] == '/';
            var nameStart = isEnd ? lt + 2 : lt + 1;
            var nameEnd = nameStart;
            while (nameEnd < html.Length && IsNameChar(html[nameEnd])) nameEnd++;
            if (nameEnd == nameStart || !char.IsAsciiLetter(html[nameStart])) { i = lt + 1; continue; }
            // The name holds no '>', so the tag's end is the first one after it.
            var gt = nameEnd < html.Length && html[nameEnd] == '>' ? nameEnd : html.IndexOf('>', nameEnd);
            if (gt < 0) break;
            var name = html.AsSpan(nameStart, nameEnd - nameStart);
            var key = NameKey(name);
            var kind = Kinds.GetValueOrDefault(key, TagKind.Nesting);
            // Elements are counted as the parser will make them: tags dropped for depth make none.
            if (!isEnd && kind is TagKind.RawText or TagKind.NotNesting && ++elements > maxElements) return Cut(html, output, copiedUpTo, lt);
            if (!isEnd && kind == TagKind.RawText)
            {
                // Skip the raw text element's content: it holds no tags.
                var close = RawTextEnd(html, gt + 1, name);
                i = close < 0 ? html.Length : close;
                continue;
            }
            if (kind == TagKind.NotNesting) { i = gt + 1; continue; }
            var drop = false;
            if (!isEnd)
            {
                var isForeignRoot = kind == TagKind.ForeignRoot;
                var selfClosing = html[gt - 1] == '/' && (foreign > 0 || isForeignRoot);
                if (!selfClosing)
                {
                    drop = open.Count >= maxDepth;
                    if (open.Count >= ShallowDepth) CollectionsMarshal.GetValueRefOrAddDefault(deepOpenCount, key, out _)++;
                    open.Add(new OpenElement(nameStart, name.Length, key, isForeignRoot, drop));
                    if (isForeignRoot) foreign++;
                }
                if (!drop && ++elements > maxElements) return Cut(html, output, copiedUpTo, lt);
            }
            else
            {
                var at = open.Count > ShallowDepth && deepOpenCount.GetValueOrDefault(key) > 0 ? open.Count - 1 : Math.Min(open.Count, ShallowDepth) - 1;
                while (at >= 0 && !IsNamed(open[at], key, name, html)) at--;
                if (at >= 0)
                {
                    drop = open[at].Dropped;
                    for (var k = at; k < open.Count; k++)
                    {
                        if (k >= ShallowDepth) CollectionsMarshal.GetValueRefOrNullRef(deepOpenCount, open[k].Key)--;
                        if (open[k].IsForeignRoot) foreign--;
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

    /// <summary>
    /// Where the end tag of a raw text element named <paramref name="name"/> starts, from <paramref name="from"/> on:
    /// the first "&lt;/" followed by the name in any case; -1 when there is none. Scripts and styles are a large part
    /// of many pages, and looking for "&lt;/" first is several times faster than a case-insensitive search for the
    /// whole end tag (no character but '&lt;' and '/' themselves matches them in any case, so both find the same place).
    /// </summary>
    private static int RawTextEnd(string html, int from, ReadOnlySpan<char> name)
    {
        while (from < html.Length)
        {
            var found = html.AsSpan(from).IndexOf("</", StringComparison.Ordinal);
            if (found < 0) return -1;
            var at = from + found;
            var nameStart = at + 2;
            if (html.Length - nameStart >= name.Length && html.AsSpan(nameStart, name.Length).Equals(name, StringComparison.OrdinalIgnoreCase))
                return at;
            from = at + 1;
        }
        return -1;
    }

    /// <summary>The page up to <paramref name="at"/>, with the tags dropped so far left out.</summary>
    private static string Cut(string html, StringBuilder? output, int copiedUpTo, int at)
    {
        at = Math.Max(at, copiedUpTo);
        return output is null ? html[..at] : output.Append(html, copiedUpTo, at - copiedUpTo).ToString();
    }

    private const int ShallowDepth = 32;

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or ':';

    private const int PackedNameLength = 10;
    private const ulong HashedName = 1UL << 63;

    /// <summary>
    /// The name's characters without case, six bits each: exact for names of up to ten characters, which all of
    /// HTML's are. A longer name gets a hash, marked so that it never equals a short name's key; names with the
    /// same hash are told apart by <see cref="IsNamed"/>.
    /// </summary>
    private static ulong NameKey(ReadOnlySpan<char> name)
    {
        ulong key = 0;
        if (name.Length <= PackedNameLength)
        {
            foreach (var c in name) key = (key << 6) | NameCharCode(c);
            return key;
        }
        foreach (var c in name) key = (key ^ NameCharCode(c)) * 1099511628211UL; // FNV-1a
        return key | HashedName;
    }

    // 1–38: a name character (letters without case, digits, '-', ':'); never 0, so "a" and "\0a" cannot meet.
    private static ulong NameCharCode(char c) => c switch
    {
        >= 'a' and <= 'z' => (ulong)(c - 'a' + 1),
        >= 'A' and <= 'Z' => (ulong)(c - 'A' + 1),
        >= '0' and <= '9' => (ulong)(c - '0' + 27),
        '-' => 37,
        _ => 38,
    };

    private static bool IsNamed(OpenElement element, ulong key, ReadOnlySpan<char> name, string html) =>
        element.Key == key
        && ((key & HashedName) == 0 || html.AsSpan(element.NameStart, element.NameLength).Equals(name, StringComparison.OrdinalIgnoreCase));
}
