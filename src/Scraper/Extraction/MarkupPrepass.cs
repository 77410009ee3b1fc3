using System.Collections.Frozen;
using System.Runtime.InteropServices;

namespace Scraper.Extraction;

/// <summary>
/// A lexical pre-pass over a page before it is parsed, which drops what the parser would spend most of its time on
/// and what nothing reads, and bounds what is parsed at all.
/// <list type="bullet">
/// <item>Start and end tags nested deeper than a limit are dropped, keeping all text. Only elements that really nest
/// are tracked: void elements and those whose end tag the parser implies (p, li, td…) are not counted.</item>
/// <item>The page is cut before its <c>maxElements</c>+1-th start tag, or where its text (outside tags) passes
/// <c>maxTextChars</c>. A parsed element costs several hundred bytes and each copy of the text that extraction makes
/// costs twice its length, so a 20 MB page of 700,000 tiny paragraphs took over a gigabyte; the largest real pages we
/// know have about 10,000 elements and well under a million characters of text.</item>
/// <item>The code of scripts and the rules of style sheets are dropped, leaving their elements empty: nothing reads
/// them (JSON scripts, where pages keep their metadata, are kept), and they are a third of a typical page's characters,
/// which the parser reads one by one. A script is emptied only where the parser's own rules end it at the same place
/// (see <see cref="DropsText"/>), so the document is the same but for that text.</item>
/// </list>
/// A page with nothing to drop is returned as the same string.
/// </summary>
internal static class MarkupPrepass
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

    private static readonly ulong ScriptKey = NameKey("script");
    private static readonly ulong StyleKey = NameKey("style");

    /// <summary>An open element: where its name is in the page, and whether its tags are dropped.</summary>
    private readonly record struct OpenElement(int NameStart, int NameLength, ulong Key, bool IsForeignRoot, bool Dropped);

    /// <summary>A part of the page left out: from <c>Start</c> up to <c>End</c>.</summary>
    private readonly record struct Gap(int Start, int End);

    public static string Apply(string html, int maxDepth, int maxElements = int.MaxValue, int maxTextChars = int.MaxValue)
    {
        var gaps = new List<Gap>();
        var end = Scan(html, gaps, maxDepth, maxElements, maxTextChars);
        if (end == html.Length && gaps.Count == 0) return html;
        var chars = html.ToCharArray();
        return new string(chars, 0, Compact(chars, gaps, end));
    }

    /// <summary>The same, in place: the page's text is moved to the start of <paramref name="chars"/>; returns its length.</summary>
    public static int Apply(Span<char> chars, int maxDepth, int maxElements = int.MaxValue, int maxTextChars = int.MaxValue)
    {
        var gaps = new List<Gap>();
        return Compact(chars, gaps, Scan(chars, gaps, maxDepth, maxElements, maxTextChars));
    }

    /// <summary>Finds the parts to leave out, in order; returns where the page is cut (its length when it is not).</summary>
    private static int Scan(ReadOnlySpan<char> html, List<Gap> gaps, int maxDepth, int maxElements, int maxTextChars)
    {
        var elements = 0;
        var textChars = 0L;
        var open = new List<OpenElement>();
        // Open elements past the first ShallowDepth levels, per name key: an end tag whose name is not among them is
        // looked for in those levels only, so a stray one never scans a 100,000-deep stack, and a page that never
        // nests that deep never counts.
        var deepOpenCount = new Dictionary<ulong, int>();
        var foreign = 0; // inside <svg> or <math>
        var i = 0;
        while (i < html.Length)
        {
            // Tags often follow each other directly (</a></li>) or end right after the name: looking first spares
            // a vectorised search its set-up, which on short distances costs more than the search.
            var lt = html[i] == '<' ? i : IndexOf(html, '<', i);
            textChars += (lt < 0 ? html.Length : lt) - i;
            if (textChars > maxTextChars)
                return CutAt(gaps, (int)((lt < 0 ? html.Length : lt) - (textChars - maxTextChars)));
            if (lt < 0 || lt + 1 >= html.Length) break;
            var next = html[lt + 1];
            if (next is '!' or '?' || (next == '/' && lt + 2 < html.Length && !char.IsAsciiLetter(html[lt + 2])))
            {
                i = MarkupDeclarationEnd(html, lt, foreign > 0);
                continue;
            }
            var isEnd = next == '/';
            var nameStart = isEnd ? lt + 2 : lt + 1;
            var nameEnd = nameStart;
            while (nameEnd < html.Length && IsNameChar(html[nameEnd])) nameEnd++;
            if (nameEnd == nameStart || !char.IsAsciiLetter(html[nameStart])) { i = lt + 1; continue; }
            var gt = TagEnd(html, nameEnd);
            if (gt < 0) break;
            var name = html.Slice(nameStart, nameEnd - nameStart);
            var key = NameKey(name);
            var kind = Kinds.GetValueOrDefault(key, TagKind.Nesting);
            // Elements are counted as the parser will make them: tags dropped for depth make none.
            if (!isEnd && kind is TagKind.RawText or TagKind.NotNesting && ++elements > maxElements) return CutAt(gaps, lt);
            if (!isEnd && kind == TagKind.RawText)
            {
                // Skip the raw text element's content: it holds no tags.
                var close = RawTextEnd(html, gt + 1, name);
                if (close > gt + 1 && foreign == 0 && DropsText(html, key, lt, nameEnd, gt, close)) gaps.Add(new Gap(gt + 1, close));
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
                if (!drop && ++elements > maxElements) return CutAt(gaps, lt);
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
            if (drop) gaps.Add(new Gap(lt, gt + 1));
            i = gt + 1;
        }
        return html.Length;
    }

    /// <summary>
    /// Whether a script's or style sheet's text, from <paramref name="gt"/>+1 up to <paramref name="close"/>, is dropped:
    /// a style sheet's always (the parser is told to keep no style text), a script's unless it holds JSON (its tag
    /// says so: <c>type="application/ld+json"</c>). Only where the parser ends the element at <paramref name="close"/>
    /// too (see <see cref="RawTextEnd"/>): a script holding "&lt;!--" is kept, as the parser's escaped states may read
    /// past its first end tag.
    /// </summary>
    private static bool DropsText(ReadOnlySpan<char> html, ulong key, int lt, int nameEnd, int gt, int close)
    {
        if (key != ScriptKey && key != StyleKey) return false;
        // A name the parser reads further ("<script%x>") is another element.
        if (!IsTagNameEnd(html[nameEnd])) return false;
        if (key == StyleKey) return true;
        return html[lt..(gt + 1)].IndexOf("json", StringComparison.OrdinalIgnoreCase) < 0
               && html[(gt + 1)..close].IndexOf("<!--") < 0;
    }

    private static bool IsTagNameEnd(char c) => IsSpace(c) || c is '/' or '>';

    /// <summary>HTML's white space between a tag's parts.</summary>
    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\f' or '\r';

    /// <summary>
    /// The '&gt;' that ends a tag whose name's letters end at <paramref name="from"/>, read as the parser reads a tag
    /// (the HTML standard's tag name and attribute states): a '&gt;' inside a quoted attribute value does not end it.
    /// -1 when the page ends first.
    /// </summary>
    private static int TagEnd(ReadOnlySpan<char> html, int from)
    {
        // Without a quote before it, the first '>' ends the tag (most tags without attributes, and end tags).
        var first = html[from..].IndexOfAny('>', '"', '\'');
        if (first < 0) return -1;
        if (html[from + first] == '>') return from + first;
        var state = TagState.Name;
        for (var i = from; i < html.Length; i++)
        {
            var c = html[i];
            // A quoted value is jumped over whole, so a '>' ends the tag in every state met here.
            if (c == '>') return i;
            var space = IsSpace(c);
            switch (state)
            {
                case TagState.Name:
                    if (space) state = TagState.BeforeAttribute;
                    else if (c == '/') state = TagState.BeforeAttribute; // the self-closing flag's state reads on as this one
                    break;
                case TagState.BeforeAttribute:
                    if (!space && c != '/') state = TagState.AttributeName; // '=' here starts a name
                    break;
                case TagState.AttributeName:
                case TagState.AfterAttributeName:
                    if (c == '=') state = TagState.BeforeValue;
                    else if (c == '/') state = TagState.BeforeAttribute;
                    else if (space) state = TagState.AfterAttributeName;
                    else state = TagState.AttributeName;
                    break;
                case TagState.BeforeValue:
                    if (c is '"' or '\'')
                    {
                        var quote = IndexOf(html, c, i + 1);
                        if (quote < 0) return -1;
                        i = quote;
                        state = TagState.BeforeAttribute;
                    }
                    else if (!space) state = TagState.UnquotedValue;
                    break;
                case TagState.UnquotedValue:
                    if (space) state = TagState.BeforeAttribute;
                    break;
            }
        }
        return -1;
    }

    /// <summary>The standard's states of a tag, those that differ here: after the self-closing '/' and after a quoted value
    /// the parser reads on as before an attribute.</summary>
    private enum TagState : byte { Name, BeforeAttribute, AttributeName, AfterAttributeName, BeforeValue, UnquotedValue }

    /// <summary>
    /// Where the parser goes on after a comment, doctype or other declaration starting at <paramref name="lt"/>
    /// ("&lt;!", "&lt;?", or "&lt;/" not followed by a letter): tags inside one are text of it, not tags.
    /// </summary>
    private static int MarkupDeclarationEnd(ReadOnlySpan<char> html, int lt, bool inForeignContent)
    {
        var rest = html[lt..];
        if (rest.StartsWith("<!--"))
        {
            // "<!-->" and "<!--->" are whole (empty) comments to the parser.
            if (rest[4..].StartsWith(">")) return lt + 5;
            if (rest[4..].StartsWith("->")) return lt + 6;
            var end = rest[4..].IndexOf("-->");
            return end < 0 ? html.Length : lt + 4 + end + 3;
        }
        if (inForeignContent && rest.StartsWith("<![CDATA["))
        {
            var end = rest.IndexOf("]]>");
            return end < 0 ? html.Length : lt + end + 3;
        }
        // "</>" is dropped; a doctype or another bogus comment ends at the first '>'.
        var close = IndexOf(html, '>', lt + 2);
        return close < 0 ? html.Length : close + 1;
    }

    private static int IndexOf(ReadOnlySpan<char> html, char c, int from)
    {
        var found = html[from..].IndexOf(c);
        return found < 0 ? -1 : from + found;
    }

    /// <summary>Moves the page's parts between its gaps, up to <paramref name="end"/>, together at its start; returns
    /// their length. Each part moves back or stays, so none overwrites a part not yet moved.</summary>
    private static int Compact(Span<char> chars, List<Gap> gaps, int end)
    {
        var from = 0;
        var written = 0;
        foreach (var gap in gaps)
        {
            chars[from..gap.Start].CopyTo(chars[written..]);
            written += gap.Start - from;
            from = gap.End;
        }
        chars[from..end].CopyTo(chars[written..]);
        return written + end - from;
    }

    /// <summary>Where the page is cut, <paramref name="at"/>, moved out of a gap it falls in; gaps past it are dropped.</summary>
    private static int CutAt(List<Gap> gaps, int at)
    {
        if (gaps.Count > 0) at = Math.Max(at, gaps[^1].End);
        return at;
    }

    /// <summary>
    /// Where the end tag of a raw text element named <paramref name="name"/> starts, from <paramref name="from"/> on:
    /// the first "&lt;/" followed by the name in any case and by a space, '/' or '&gt;', as the parser ends it; -1 when
    /// there is none. Scripts and styles are a large part of many pages, and looking for "&lt;/" first is several times
    /// faster than a case-insensitive search for the whole end tag (no character but '&lt;' and '/' themselves matches
    /// them in any case, so both find the same place).
    /// </summary>
    private static int RawTextEnd(ReadOnlySpan<char> html, int from, ReadOnlySpan<char> name)
    {
        while (from < html.Length)
        {
            var found = html[from..].IndexOf("</");
            if (found < 0) return -1;
            var at = from + found;
            var nameStart = at + 2;
            // "</scripts" does not end a script: the name must be followed by a space, '/' or '>'.
            if (html.Length - nameStart > name.Length && html.Slice(nameStart, name.Length).Equals(name, StringComparison.OrdinalIgnoreCase)
                && IsTagNameEnd(html[nameStart + name.Length]))
                return at;
            from = at + 1;
        }
        return -1;
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

    private static bool IsNamed(OpenElement element, ulong key, ReadOnlySpan<char> name, ReadOnlySpan<char> html) =>
        element.Key == key
        && ((key & HashedName) == 0 || html.Slice(element.NameStart, element.NameLength).Equals(name, StringComparison.OrdinalIgnoreCase));
}
