namespace Scraper.Extraction.Anatomy;

/// <summary>
/// The lines around an article's title as a reader sees them, and what they say: the breadcrumb (whose last crumb
/// is the section), a section label or a heading repeating the crumb, the title, a deck, and the date, source and
/// byline lines. None of these lines is a paragraph of the article.
/// </summary>
public sealed record HeaderZone
{
    public static HeaderZone None { get; } = new();

    public string? Title { get; init; }
    public string? Subtitle { get; init; }
    public string? Section { get; init; }
    public IReadOnlyList<string> Crumbs { get; init; } = [];
    public DateOnly? Published { get; init; }
    public string? Source { get; init; }
    public string? Byline { get; init; }
    /// <summary>The line after the zone, where the body starts; null when the page shows no header zone.</summary>
    public int? BodyStart { get; init; }
    /// <summary>The indices of the zone's lines.</summary>
    public IReadOnlySet<int> Lines { get; init; } = new HashSet<int>();
    /// <summary>The texts of the zone's lines (and line parts): never paragraphs.</summary>
    public IReadOnlySet<string> Texts { get; init; } = new HashSet<string>();

    public bool Found => BodyStart is not null;
}

/// <summary>
/// Reads the header zone from a page's lines by the site's named forms (<see cref="SiteAnatomy"/>), independent of
/// the markup: the date line is the anchor (<c>Updated : 2023-11-23</c>, <c>Release time:… Browse:</c>…), the
/// crumb line bounds the zone from above, and the title is the line that the page's <c>&lt;title&gt;</c> names or
/// else the line the forms put it on: right above the date line, or the first line under the crumb.
/// </summary>
public static class HeaderZoneReader
{
    /// <summary>A title is a line of at most this many characters.</summary>
    private const int LongestTitle = 200;
    /// <summary>A section label or a deck is no longer than this.</summary>
    private const int LongestLabel = 60, LongestDeck = 240;
    /// <summary>How far above the date line the title and the lines over it are looked for.</summary>
    private const int LinesAboveInfo = 4;

    /// <summary>One line, or one part of a line broken by <c>&lt;br&gt;</c>.</summary>
    private readonly record struct Entry(int Line, string Text, bool IsImage, bool IsLink);

    /// <param name="headline">The headline the page's <c>&lt;title&gt;</c> gives (see <see cref="SiteAnatomy.HeadlineOfTitle"/>), if any.</param>
    /// <param name="firstPage">Page 1 of its article: only there can a line under the date line be a deck (on page 2
    /// it is a subheading of the body).</param>
    public static HeaderZone Read(IReadOnlyList<TextLine> lines, SiteAnatomy anatomy, Func<IReadOnlyList<string>, string?> headline, bool firstPage = true)
    {
        var entries = new List<Entry>(lines.Count + 8);
        foreach (var line in lines)
        {
            if (line.IsImage) entries.Add(new Entry(line.Index, "", true, false));
            else if (line.Breaks is null) entries.Add(new Entry(line.Index, line.Text, false, line.IsLink));
            else foreach (var part in line.Breaks) entries.Add(new Entry(line.Index, part, false, line.IsLink));
        }
        // Menus repeat the sidebar's and footer's headings as links ("Media Center", "Videos"): only a line of text ends the page.
        var end = entries.FindIndex(e => !e.IsImage && !e.IsLink && anatomy.IsBodyEnd(e.Text));
        if (end < 0) end = entries.Count;
        bool Usable(int i) => !entries[i].IsImage && !anatomy.IsBoilerplate(entries[i].Text);

        var zone = new HashSet<int>();
        // The breadcrumb: the first line of the crumb forms.
        int crumb = -1;
        IReadOnlyList<string> crumbs = [];
        // (A menu's items are links through and through; a breadcrumb's separators are not.)
        for (var i = 0; i < end && crumb < 0; i++)
            if (!entries[i].IsImage && !entries[i].IsLink && anatomy.Crumbs(entries[i].Text) is { } found) (crumb, crumbs) = (i, found);
        if (crumb >= 0) zone.Add(crumb);

        // The date line and the header lines right under it (source, byline), boilerplate between them skipped; looked
        // for among the first lines of text only, where the header stands: [heading or label] title [deck] date line.
        // After a paragraph (a sentence), a line in a header form ("(China Daily USA 04/01/2016 page12)") is the body's own.
        int info = -1, infoEnd = -1, texts = 0;
        DateOnly? published = null;
        string? source = null, byline = null;
        for (var i = crumb + 1; i < end; i++)
        {
            var (text, isImage, isLink) = (entries[i].Text, entries[i].IsImage, entries[i].IsLink);
            if (isImage || (isLink && info < 0)) continue;
            if (anatomy.ReadInfo(text) is { } reading)
            {
                if (info < 0) info = i;
                infoEnd = i;
                zone.Add(i);
                published ??= reading.Published;
                source ??= reading.Source;
                byline ??= reading.Byline;
                continue;
            }
            if (!isLink && anatomy.IsBoilerplate(text)) continue;
            if (info >= 0 || text.Length > LongestDeck || (text.Length > LongestLabel && EndsSentence(text)) || ++texts >= LinesAboveInfo) break;
        }

        // The title: the line the <title> names, else where the forms put it.
        var wanted = headline(crumbs);
        int lo = crumb + 1, hi = info >= 0 ? info : Math.Min(end, lo + LinesAboveInfo + 2);
        if (crumb < 0 && info < 0) (lo, hi) = (0, end);
        var title = -1;
        if (wanted is not null)
            for (var i = lo; i < hi && title < 0; i++)
                if (Usable(i) && !entries[i].IsLink && SameHeadline(entries[i].Text, wanted)) title = i;

        var label = -1;
        var decks = new List<int>();
        if (title < 0 && info >= 0)
        {
            // The lines right above the date line that are neither links (a menu) nor boilerplate: [label] title [deck…].
            var block = new List<int>();
            for (var i = info - 1; i >= lo && block.Count < LinesAboveInfo; i--)
            {
                if (entries[i].IsImage || anatomy.IsBoilerplate(entries[i].Text)) continue;
                if (entries[i].IsLink) break;
                block.Insert(0, i);
            }
            if (crumb >= 0 && block.Count > 1 && RepeatsCrumb(entries[block[0]].Text, crumbs)) block.RemoveAt(0);
            if (anatomy.SectionLabel && crumb < 0 && block.Count > 1 && IsLabel(entries[block[0]].Text)) { label = block[0]; block.RemoveAt(0); }
            if (block.Count > 0) title = block[0];
        }
        else if (title < 0 && crumb >= 0)
        {
            // No date line (a standing page, a continuation page): the first line under the crumb, if it reads as a title.
            for (var i = crumb + 1; i < end && title < 0; i++)
            {
                if (!Usable(i)) continue;
                if (RepeatsCrumb(entries[i].Text, crumbs) && zone.Add(i)) continue;
                title = !entries[i].IsLink && IsTitleLike(entries[i].Text) ? i : int.MaxValue;
            }
            if (title == int.MaxValue) title = -1;
        }
        if (title >= 0)
        {
            zone.Add(title);
            // Between crumb and title: the heading that repeats the crumb, or a section label.
            for (var i = title - 1; i > crumb && i >= 0; i--)
            {
                if (!Usable(i)) continue;
                if (entries[i].IsLink) break;
                if (crumb >= 0 && RepeatsCrumb(entries[i].Text, crumbs)) { zone.Add(i); continue; }
                if (crumb < 0 && anatomy.SectionLabel && label < 0 && IsLabel(entries[i].Text)) label = i;
                break;
            }
            // Between title and date line: decks.
            for (var i = title + 1; i < (info >= 0 ? info : title + 1); i++)
                if (Usable(i)) decks.Add(i);
        }
        if (label >= 0) zone.Add(label);
        foreach (var deck in decks) zone.Add(deck);

        string? subtitle = anatomy.DeckAfterTitle && decks.Count > 0 ? entries[decks[0]].Text : null;
        if (subtitle is null && firstPage && anatomy.DeckAfterInfo && infoEnd >= 0)
        {
            // The line right under the date line, not a caption (an image stands between them), and a longer line follows.
            var next = NextUsable(infoEnd + 1);
            var after = next < 0 ? -1 : NextUsable(next + 1);
            if (next >= 0 && after >= 0 && !entries[(infoEnd + 1)..next].Any(e => e.IsImage)
                && IsDeck(entries[next].Text) && entries[after].Text.Length > entries[next].Text.Length)
            {
                subtitle = entries[next].Text;
                zone.Add(next);
            }
        }

        if (zone.Count == 0) return HeaderZone.None;
        var zoneLines = zone.Select(i => entries[i].Line).ToHashSet();
        return new HeaderZone
        {
            Title = title >= 0 ? entries[title].Text : null,
            Subtitle = subtitle,
            Section = crumb >= 0 ? anatomy.SectionOf(crumbs) : label >= 0 ? entries[label].Text : null,
            Crumbs = crumbs,
            Published = published,
            Source = source,
            Byline = byline,
            BodyStart = zoneLines.Max() + 1,
            Lines = zoneLines,
            Texts = zone.Select(i => entries[i].Text).Concat(zoneLines.Select(l => lines[l].Text)).ToHashSet(StringComparer.Ordinal),
        };

        int NextUsable(int from)
        {
            for (var i = from; i < end; i++)
                if (Usable(i)) return i;
            return -1;
        }
    }

    /// <summary>The line is the headline, or the start of it that the CMS cut (<c>… of the 16th Wuxi Municipal People</c>).</summary>
    public static bool SameHeadline(string line, string headline) =>
        string.Equals(line, headline, StringComparison.OrdinalIgnoreCase)
        || (line.Length >= 20 && headline.StartsWith(line, StringComparison.OrdinalIgnoreCase));

    private static bool RepeatsCrumb(string text, IReadOnlyList<string> crumbs) =>
        crumbs.Count > 0 && string.Equals(text, crumbs[^1], StringComparison.OrdinalIgnoreCase);

    private static bool IsTitleLike(string text) => text.Length <= LongestTitle && !EndsSentence(text);

    /// <summary>A section label: a few words, no sentence.</summary>
    private static bool IsLabel(string text) =>
        text.Length <= LongestLabel && !EndsSentence(text) && text.Count(c => c == ' ') < 8 && !text.EndsWith(':');

    /// <summary>A deck: one short line, not a sentence of the body, not a label line, list item or question.</summary>
    public static bool IsDeck(string text) =>
        text.Length <= LongestDeck && !EndsSentence(text) && !text.EndsWith(':') && !text.EndsWith('：')
        && !text.StartsWith('●') && !text.StartsWith("Q:", StringComparison.Ordinal) && !text.StartsWith("A:", StringComparison.Ordinal)
        && CaptionText.Split(text).Credit is null && !char.IsDigit(text[0]);

    private static bool EndsSentence(string text) => text.Length > 0 && text[^1] is '.' or '。' or '!' or '！' or '"' or '”';
}
