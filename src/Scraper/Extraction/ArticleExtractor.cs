using AngleSharp.Dom;
using Scraper.Extraction.Anatomy;
using Scraper.Extraction.Generic;
using Scraper.Sites;

namespace Scraper.Extraction;

/// <summary>
/// The extraction cascade, trafilatura-style. For a known site's page: the site's selectors first, field by field;
/// what they miss is read from the page's visible text anatomy (the header zone's lines by the site's named forms,
/// the body between the header and the site's footer); where neither finds the body, the generic extractor finds it,
/// and the site's anatomy still gives the metadata and keeps header lines and boilerplate out of the paragraphs. For
/// any other page: the generic extractor, then a baseline that reads the whole page minus its chrome, so an article is
/// never empty when the page has text. Every field records where it came from. Stateless and thread-safe.
/// </summary>
public sealed class ArticleExtractor
{
    public const string GenericName = "generic";
    private const int MaxJoinedPages = 100;

    private readonly SiteCatalog _sites;
    private readonly HtmlDocumentLoader _loader;
    private readonly BodyReader _bodyReader = new();
    private readonly SiteRuleExtractor _siteRules;
    private readonly GenericExtractor _generic;

    public ArticleExtractor(SiteCatalog sites, HtmlDocumentLoader? loader = null)
    {
        _sites = sites;
        _loader = loader ?? new HtmlDocumentLoader();
        _siteRules = new SiteRuleExtractor(_bodyReader);
        _generic = new GenericExtractor(_loader);
    }

    public SiteCatalog Sites => _sites;

    /// <summary>The largest page, in bytes, that this extractor reads (see <see cref="HtmlDocumentLoader.MaxBytes"/>).</summary>
    public long MaxPageBytes => _loader.MaxBytes;

    /// <summary>Decodes the raw bytes and extracts one page.</summary>
    /// <param name="rule">The site rules to apply; by default those of the URL's host.</param>
    /// <exception cref="UnreadablePageException">The bytes are not an HTML page.</exception>
    public PageExtraction Extract(Uri url, ReadOnlyMemory<byte> body, string? contentType, SiteRule? rule = null) =>
        Extract(url, _loader.Load(body.Span, contentType), rule ?? _sites.Match(url));

    public PageExtraction Extract(Uri url, IDocument document, SiteRule? rule)
    {
        if (rule is null) return new PageExtraction(ExtractGeneric(url, document), [], false);

        var anatomy = SiteAnatomy.For(rule);
        var continuation = rule.ContinuationPage(url) is not null;
        var selected = _siteRules.Read(document, url, rule, anatomy);
        var found = selected.Metadata;
        // The page's lines down to the body the selectors found (the header zone stands above it, from its breadcrumb on),
        // or all of them.
        var root = document.Body ?? document.DocumentElement;
        var start = selected.BodyElement is { } bodyElement && selected.Breadcrumb is { } crumb && Precedes(crumb, bodyElement) ? crumb : null;
        var page = PageLines.Read(root, selected.BodyElement, start);
        var zone = HeaderZoneReader.Read(page.Lines, anatomy, crumbs => anatomy.HeadlineOfTitle(document.Title, crumbs), firstPage: !continuation);
        var fields = new FieldReader(found, zone, anatomy);
        var (body, bodyFrom, chrome, meta, isSectionList) = selected.Body is { } byRule
            ? new FoundBody(byRule, FieldProvenance.Selector)
            : FindBody(url, document, rule, anatomy, page, zone);

        var title = fields.Title(document, ref meta);
        body = BodyCleaner.Clean(body, zone, anatomy, title.Value, chrome,
            deckAfterCaption: !continuation && anatomy.DeckAfterFirstCaption && fields.Subtitle.Value is null, out var deck);
        // A known site's page is its text (or a captioned photo), never its chrome: a page cut off before its body has none.
        if (!BodyContent.HasArticle(body)) body = new BodyContent([], []);
        var subtitle = fields.Subtitle.Value is null && deck is not null ? new Field(deck, FieldProvenance.Anatomy) : fields.Subtitle;
        var published = fields.Published(meta, url);
        var byline = fields.Byline.Value is null && meta?.Byline is { } metaByline && bodyFrom == FieldProvenance.Generic
            ? new Field(metaByline, FieldProvenance.Generic)
            : fields.Byline;
        var provenance = new FieldProvenance
        {
            Title = title.From,
            Subtitle = subtitle.From,
            Section = fields.Section.From,
            Published = published.From,
            Source = fields.Source.From,
            Byline = byline.From,
            Body = body.Paragraphs.Count > 0 || body.Figures.Count > 0 ? bodyFrom : null,
        };
        var article = new Article
        {
            Url = url.AbsoluteUri,
            Site = rule.Site,
            Extractor = bodyFrom == FieldProvenance.Generic ? GenericName : "site:" + rule.Site,
            Title = title.Value,
            Subtitle = subtitle.Value,
            Section = fields.Section.Value,
            Published = published.Value,
            PublishedFrom = published.From switch { null => null, FieldProvenance.Url => "url", _ => "page" },
            Source = fields.Source.Value,
            Byline = byline.Value,
            Language = Language(url, document, rule, meta),
            Paragraphs = body.Paragraphs,
            Figures = body.Figures,
            Provenance = provenance,
            SelectorMisses = SelectorMisses(rule, provenance),
        };
        return new PageExtraction(article, selected.SiblingPages, continuation, isSectionList);
    }

    /// <summary>A body, where it came from, and what reading it learnt of the page.</summary>
    /// <param name="Chrome">The page's menus and sidebars (a generic body is cleaned of them).</param>
    /// <param name="Meta">The generic extractor's reading of the page's metadata, when it ran.</param>
    private readonly record struct FoundBody(BodyContent Body, string From, IReadOnlySet<string>? Chrome = null, PageMetadata? Meta = null,
        bool IsSectionList = false);

    /// <summary>The body of a known site's page whose body selectors matched nothing: between its header zone and its
    /// footer, else the generic extractor's.</summary>
    private FoundBody FindBody(Uri url, IDocument document, SiteRule rule, SiteAnatomy anatomy, PageLines page, HeaderZone zone)
    {
        // A section list has no article of its own, whatever its lines look like; the generic extractor's reading of it
        // is what extract shows, and what the archive does not keep. Asked before the generic extractor works on the
        // document, which it changes in place.
        var isSectionList = SiteRuleExtractor.IsSectionList(document, url, rule);
        var range = zone.Found && !isSectionList ? AnatomyBody.Find(page.Lines, zone, anatomy) : null;
        // The header is there and nothing after it: a page cut off before its body, not an article of its chrome.
        if (range is { HasContent: false }) return new FoundBody(new BodyContent([], []), FieldProvenance.Anatomy);
        if (range is { Closed: true } && AnatomyBody.Read(_bodyReader, page, range, anatomy, url) is { } read && BodyContent.HasArticle(read))
            return new FoundBody(read, FieldProvenance.Anatomy);
        // Template drift beyond the anatomy too: the generic algorithm finds the body; the site's anatomy still gives the
        // metadata and keeps its header, chrome and boilerplate out.
        var chrome = AnatomyBody.ChromeTexts(page.Lines, zone, range);
        var (body, meta) = ReadGeneric(url, document, anatomy);
        return new FoundBody(body, FieldProvenance.Generic, chrome, meta, isSectionList);
    }

    /// <summary>Page 1 of a multi-page article joined with its sibling pages (found through each page's pager).</summary>
    /// <param name="loadSibling">Returns a sibling page's bytes, or null when it cannot be had.</param>
    public async Task<Article> ExtractJoinedAsync(Uri url, ReadOnlyMemory<byte> body, string? contentType,
        Func<Uri, CancellationToken, Task<ReadOnlyMemory<byte>?>> loadSibling, CancellationToken cancellationToken)
    {
        var rule = _sites.Match(url);
        var first = Extract(url, body, contentType, rule);
        return await JoinAsync(url, first, rule, loadSibling, cancellationToken);
    }

    /// <summary>Joins an extracted page 1 with its siblings; a continuation page or a single page is returned as is.</summary>
    /// <param name="extractSibling">How a sibling's bytes are extracted (by default here, at once).</param>
    public async Task<Article> JoinAsync(Uri url, PageExtraction first, SiteRule? rule,
        Func<Uri, CancellationToken, Task<ReadOnlyMemory<byte>?>> loadSibling, CancellationToken cancellationToken,
        Func<Uri, ReadOnlyMemory<byte>, CancellationToken, Task<PageExtraction>>? extractSibling = null)
    {
        if (first.IsContinuationPage || first.SiblingPages.Count == 0 || rule is null) return first.Article;
        var pages = new SortedDictionary<int, Article>();
        var queued = new HashSet<string>(StringComparer.Ordinal) { url.AbsolutePath };
        var queue = new Queue<Uri>();
        foreach (var sibling in first.SiblingPages)
            if (queued.Add(sibling.AbsolutePath)) queue.Enqueue(sibling);
        while (queue.Count > 0 && pages.Count < MaxJoinedPages)
        {
            var sibling = queue.Dequeue();
            // Page 1's link on a later page points back here; only continuation pages are joined.
            if (rule.ContinuationPage(sibling) is not { } number) continue;
            var bytes = await loadSibling(sibling, cancellationToken);
            if (bytes is null) continue;
            PageExtraction page;
            try { page = extractSibling is null ? Extract(sibling, bytes.Value, null, rule) : await extractSibling(sibling, bytes.Value, cancellationToken); }
            catch (UnreadablePageException) { continue; }
            pages.TryAdd(number, page.Article);
            foreach (var next in page.SiblingPages)
                if (queued.Add(next.AbsolutePath)) queue.Enqueue(next);
        }
        var paragraphs = new List<string>(first.Article.Paragraphs);
        var figures = new List<Figure>(first.Article.Figures);
        foreach (var page in pages.Values)
        {
            figures.AddRange(page.Figures.Select(f => f with { Position = f.Position + paragraphs.Count }));
            paragraphs.AddRange(page.Paragraphs);
        }
        return first.Article with
        {
            Paragraphs = paragraphs,
            Figures = figures,
            Pages = 1 + pages.Count,
            SelectorMisses = first.Article.SelectorMisses.Union(pages.Values.SelectMany(p => p.SelectorMisses)).ToList(),
        };
    }

    /// <summary>The generic extractor's body (the document is not read after this, so it may cut the article out of it).</summary>
    private (BodyContent Body, PageMetadata Meta) ReadGeneric(Uri url, IDocument document, SiteAnatomy anatomy)
    {
        var generic = _generic.Find(document, consume: true);
        var body = generic.Body is { } found ? _bodyReader.Read(found, url, anatomy.BoilerplateRegexes, endAt: anatomy.BodyEndRegex) : null;
        if (body is null || body.Paragraphs.Count == 0) body = Baseline(_loader.Parse(document.Source.Text), url, anatomy);
        return (WithoutLeadingTitle(body, generic.Metadata.Title), generic.Metadata);
    }

    private Article ExtractGeneric(Uri url, IDocument document)
    {
        var (body, meta) = ReadGeneric(url, document, SiteAnatomy.None);
        return new Article
        {
            Url = url.AbsoluteUri,
            Site = null,
            Extractor = GenericName,
            Title = meta.Title,
            Published = meta.Published,
            PublishedFrom = meta.Published is null ? null : "page",
            Byline = meta.Byline,
            Language = meta.Language,
            Paragraphs = body.Paragraphs,
            Figures = body.Figures,
            Provenance = new FieldProvenance
            {
                Title = meta.Title is null ? null : FieldProvenance.Meta,
                Published = meta.Published is null ? null : FieldProvenance.Meta,
                Byline = meta.Byline is null ? null : FieldProvenance.Generic,
                Body = body.Paragraphs.Count > 0 || body.Figures.Count > 0 ? FieldProvenance.Generic : null,
            },
        };
    }

    /// <summary>Whether <paramref name="first"/> stands before <paramref name="second"/> in the page, outside it.</summary>
    private static bool Precedes(IElement first, IElement second) =>
        !first.Contains(second) && (first.CompareDocumentPosition(second) & DocumentPositions.Following) != 0;

    /// <summary>
    /// The page's language: that of a host serving the site in another language, else the page's own declaration,
    /// else what the generic reader found in the metadata, else the site's.
    /// </summary>
    private static string? Language(Uri url, IDocument document, SiteRule rule, PageMetadata? meta) =>
        (rule.HostLanguages.TryGetValue(url.Host.ToLowerInvariant(), out var hostLanguage) ? hostLanguage : null)
        ?? TextNormalizer.NullIfEmpty(document.DocumentElement.GetAttribute("lang"))
        ?? meta?.Language
        ?? rule.Language;

    /// <summary>
    /// The fields the site's selectors are meant to find (the rule has selectors for them) but missed on this page,
    /// which shows them (the anatomy or the generic extractor found them): the day the templates change.
    /// </summary>
    private static IReadOnlyList<string> SelectorMisses(SiteRule rule, FieldProvenance provenance)
    {
        var selectors = rule.Article;
        var misses = new List<string>();
        foreach (var (field, from) in provenance.Fields())
        {
            if (from is not (FieldProvenance.Anatomy or FieldProvenance.Generic)) continue;
            var has = field switch
            {
                "title" => selectors.Title.Count > 0,
                "subtitle" => selectors.Subtitle.Count > 0,
                "section" => selectors.Breadcrumb.Count > 0,
                "body" => selectors.Body.Count > 0,
                _ => selectors.Info.Count > 0,
            };
            if (has) misses.Add(field);
        }
        return misses;
    }

    /// <summary>A content element found by scoring often starts with the headline, which is the title, not a paragraph.</summary>
    private static BodyContent WithoutLeadingTitle(BodyContent body, string? title)
    {
        if (title is null || body.Paragraphs.Count == 0 || !string.Equals(body.Paragraphs[0], title, StringComparison.OrdinalIgnoreCase))
            return body;
        return new BodyContent(body.Paragraphs.Skip(1).ToList(), body.Figures.Select(f => f with { Position = Math.Max(0, f.Position - 1) }).ToList());
    }

    /// <summary>The last resort: the whole page without its obvious chrome (cut out of the document).</summary>
    private BodyContent Baseline(IDocument document, Uri url, SiteAnatomy anatomy)
    {
        if (document.Body is not { } body) return new BodyContent([], []);
        foreach (var chrome in body.QuerySelectorAll("nav, header, footer, aside, form, script, style, noscript, [role=navigation], [role=banner], [role=contentinfo]").ToList())
            chrome.Remove();
        return _bodyReader.Read(body, url, anatomy.BoilerplateRegexes, endAt: anatomy.BodyEndRegex);
    }

    /// <summary>A field's value and where it came from.</summary>
    private readonly record struct Field(string? Value, string? From)
    {
        public static Field Of(string? value, string from) => value is null ? default : new Field(value, from);
    }

    /// <summary>The metadata fields, each from the selectors first, then the header zone, then what else the page says.</summary>
    private sealed class FieldReader
    {
        private readonly RuleMetadata _found;
        private readonly HeaderZone _zone;
        private readonly SiteAnatomy _anatomy;
        private readonly InfoReading _info;

        public FieldReader(RuleMetadata found, HeaderZone zone, SiteAnatomy anatomy)
        {
            _found = found;
            _zone = zone;
            _anatomy = anatomy;
            _info = ReadInfo(found.Info, anatomy);
            Subtitle = Pick(found.Subtitle, zone.Subtitle);
            Section = Pick(found.Crumbs is { } crumbs ? anatomy.SectionOf(crumbs) : null, zone.Section);
            Source = Pick(_info.Source, zone.Source);
            Byline = Pick(_info.Byline, zone.Byline);
        }

        public Field Subtitle { get; }
        public Field Section { get; }
        public Field Source { get; }
        public Field Byline { get; }

        public Field Title(IDocument document, ref PageMetadata? meta)
        {
            if (Pick(_found.Title, _zone.Title) is { Value: not null } shown) return shown;
            // The page shows no headline line: the <title> without what the templates append, else what the metadata says.
            var crumbs = _found.Crumbs ?? _zone.Crumbs;
            if (_anatomy.HeadlineOfTitle(document.Title, crumbs) is { } headline) return new Field(headline, FieldProvenance.Meta);
            meta ??= PageMetadataReader.Read(document);
            return Field.Of(meta.Title, FieldProvenance.Meta);
        }

        /// <summary>The date the page shows, else the metadata's, else the URL's (continuation pages show none).</summary>
        public Field Published(PageMetadata? meta, Uri url)
        {
            var shown = _info.Published ?? _zone.Published;
            if (shown is { } date)
                return new Field(DateText.ToIso(date), _info.Published is not null ? FieldProvenance.Selector : FieldProvenance.Anatomy);
            if (meta?.Published is { } metaDate) return new Field(metaDate, FieldProvenance.Meta);
            return Field.Of(DateText.ToIso(_anatomy.UrlDate(url)), FieldProvenance.Url);
        }

        private static Field Pick(string? selected, string? anatomy) =>
            selected is not null ? new Field(selected, FieldProvenance.Selector) : Field.Of(anatomy, FieldProvenance.Anatomy);

        /// <summary>The info selectors' lines read by the site's named forms; a line of no known form by the free-text reader.</summary>
        private static InfoReading ReadInfo(IReadOnlyList<string> lines, SiteAnatomy anatomy)
        {
            DateOnly? published = null;
            string? source = null, byline = null;
            var unknown = new List<string>();
            foreach (var line in lines)
            {
                if (anatomy.ReadInfo(line) is { } reading)
                {
                    published ??= reading.Published;
                    source ??= reading.Source;
                    byline ??= reading.Byline;
                }
                else unknown.Add(line);
            }
            if (unknown.Count > 0)
            {
                var free = InfoLine.Parse(string.Join(" ", unknown));
                published ??= free.Published;
                source ??= free.Source;
                byline ??= free.Byline;
            }
            return new InfoReading("selector", published, source, byline);
        }
    }
}
