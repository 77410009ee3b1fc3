using AngleSharp.Dom;
using Scraper.Extraction.Generic;
using Scraper.Sites;

namespace Scraper.Extraction;

/// <summary>
/// The extraction cascade, trafilatura-style: the site's rules first; where they find no body, the generic
/// extractor; where that finds nothing either, a baseline that reads the whole page minus its chrome, so an
/// article is never empty when the page has text. Stateless and thread-safe.
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

    /// <summary>Decodes the raw bytes and extracts one page.</summary>
    /// <param name="rule">The site rules to apply; by default those of the URL's host.</param>
    /// <exception cref="UnreadablePageException">The bytes are not an HTML page.</exception>
    public PageExtraction Extract(Uri url, ReadOnlyMemory<byte> body, string? contentType, SiteRule? rule = null) =>
        Extract(url, _loader.Load(body.Span, contentType), rule ?? _sites.Match(url));

    public PageExtraction Extract(Uri url, IDocument document, SiteRule? rule)
    {
        if (rule is not null)
        {
            var (metadata, body, siblings) = _siteRules.Read(document, url, rule);
            var continuation = rule.ContinuationPage(url) is not null;
            if (body is not null)
            {
                var article = new Article
                {
                    Url = url.AbsoluteUri,
                    Site = rule.Site,
                    Extractor = "site:" + rule.Site,
                    Title = metadata.Title ?? PageMetadataReader.Read(document).Title,
                    Subtitle = metadata.Subtitle,
                    Section = metadata.Section,
                    Published = DateText.ToIso(metadata.Info.Published),
                    Source = metadata.Info.Source,
                    Byline = metadata.Info.Byline,
                    Language = TextNormalizer.NullIfEmpty(document.DocumentElement.GetAttribute("lang")) ?? rule.Language,
                    Paragraphs = body.Paragraphs,
                    Figures = body.Figures,
                };
                return new PageExtraction(article, siblings, continuation);
            }
            // Template drift: the rules' metadata may still hold where the body selector no longer does.
            // Asked before the generic extractor works on the document, which it changes in place.
            var isSectionList = SiteRuleExtractor.IsSectionList(document, url, rule);
            return new PageExtraction(ExtractGeneric(url, document, rule, metadata), siblings, continuation, isSectionList);
        }
        return new PageExtraction(ExtractGeneric(url, document, null, null), [], false);
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
        return first.Article with { Paragraphs = paragraphs, Figures = figures, Pages = 1 + pages.Count };
    }

    private Article ExtractGeneric(Uri url, IDocument document, SiteRule? rule, RuleMetadata? ruleMetadata)
    {
        // The document is not read after this, so the generic extractor may cut the article out of it.
        var source = document.Source.Text;
        var generic = _generic.Find(document, consume: true);
        var meta = generic.Metadata;
        var body = generic.Body is { } found ? _bodyReader.Read(found, url) : null;
        if (body is null || body.Paragraphs.Count == 0) body = Baseline(_loader.Parse(source), url);
        var title = ruleMetadata?.Title ?? meta.Title;
        body = WithoutLeadingTitle(body, title);
        return new Article
        {
            Url = url.AbsoluteUri,
            Site = rule?.Site,
            Extractor = GenericName,
            Title = title,
            Subtitle = ruleMetadata?.Subtitle,
            Section = ruleMetadata?.Section,
            Published = DateText.ToIso(ruleMetadata?.Info.Published) ?? meta.Published,
            Source = ruleMetadata?.Info.Source,
            Byline = ruleMetadata?.Info.Byline ?? meta.Byline,
            Language = meta.Language ?? rule?.Language,
            Paragraphs = body.Paragraphs,
            Figures = body.Figures,
        };
    }

    /// <summary>A content element found by scoring often starts with the headline, which is the title, not a paragraph.</summary>
    private static BodyContent WithoutLeadingTitle(BodyContent body, string? title)
    {
        if (title is null || body.Paragraphs.Count == 0 || !string.Equals(body.Paragraphs[0], title, StringComparison.OrdinalIgnoreCase))
            return body;
        return new BodyContent(body.Paragraphs.Skip(1).ToList(), body.Figures.Select(f => f with { Position = Math.Max(0, f.Position - 1) }).ToList());
    }

    /// <summary>The last resort: the whole page without its obvious chrome (cut out of the document).</summary>
    private BodyContent Baseline(IDocument document, Uri url)
    {
        if (document.Body is not { } body) return new BodyContent([], []);
        foreach (var chrome in body.QuerySelectorAll("nav, header, footer, aside, form, script, style, noscript, [role=navigation], [role=banner], [role=contentinfo]").ToList())
            chrome.Remove();
        return _bodyReader.Read(body, url);
    }
}
