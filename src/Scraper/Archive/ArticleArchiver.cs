using Scraper.Extraction;
using Scraper.Sites;

namespace Scraper.Archive;

/// <summary>What the extractors make of one raw page, as the archive stores it.</summary>
/// <param name="Article">Page 1's article joined with its sibling pages; null for a continuation page or a section list.</param>
/// <param name="ContinuationOf">For page 2, 3 …: page 1's URL.</param>
public sealed record PageReading(Article? Article, Uri? ContinuationOf);

/// <summary>
/// Extracts raw pages and stores them with their article: the step shared by <c>import</c>, <c>reextract</c>
/// and the crawler. Sibling pages of a multi-page article come from the caller first, then from the archive.
/// </summary>
public sealed class ArticleArchiver(ArchiveStore store, ArticleExtractor extractor)
{
    /// <summary>Extracts <paramref name="capture"/> and stores capture and article in one transaction.</summary>
    /// <param name="loadSibling">Finds a sibling page's bytes outside the archive (e.g. beside an imported file); may be null.</param>
    /// <exception cref="UnreadablePageException">The body is not an HTML page; nothing is stored.</exception>
    public async Task<(StoreResult Stored, PageReading Reading)> ArchiveAsync(PageCapture capture,
        Func<Uri, CancellationToken, Task<ReadOnlyMemory<byte>?>>? loadSibling, CancellationToken cancellationToken)
    {
        var rule = extractor.Sites.Match(capture.Url);
        var reading = await ReadAsync(capture.Url, capture.Body, capture.ContentType, loadSibling, cancellationToken, rule);
        var stored = await store.StorePageAsync(capture with { ContinuationOf = reading.ContinuationOf, Site = capture.Site ?? rule?.Site },
            reading.Article, cancellationToken);
        return (stored, reading);
    }

    /// <summary>Runs the current extractors over a stored capture and records the outcome (a revision only if the article changed).</summary>
    /// <param name="known">What the extractors made of the same page's same body a moment ago (repeated fetches share a
    /// body): recorded again without reading the body a second time.</param>
    /// <exception cref="UnreadablePageException">The stored body cannot be read as HTML; the archive is left as it was.</exception>
    public async Task<(ReextractResult Result, PageReading Reading)> ReextractAsync(StoredCapture capture, PageReading? known, CancellationToken cancellationToken)
    {
        var reading = known;
        if (reading is null)
        {
            var body = await store.LoadBodyAsync(capture.CaptureId, cancellationToken);
            reading = await ReadAsync(new Uri(capture.Url), body, capture.ContentType, null, cancellationToken, RuleOf(capture));
        }
        var result = await store.ApplyExtractionAsync(capture.CaptureId, reading.Article, reading.ContinuationOf, cancellationToken);
        return (result, reading);
    }

    /// <summary>
    /// The rules a stored page is read with: those of the site it was archived under (a page crawled from another host
    /// with <c>crawl --start</c> keeps its site), else those of its host.
    /// </summary>
    public SiteRule? RuleOf(StoredCapture capture) =>
        (capture.Site is { } site ? extractor.Sites.Find(site) : null) ?? extractor.Sites.Match(new Uri(capture.Url));

    /// <summary>Extracts one page; a page 1 is joined with its siblings, a continuation page yields only page 1's URL.</summary>
    /// <param name="rule">The rules to read it with; by default those of its host.</param>
    public async Task<PageReading> ReadAsync(Uri url, ReadOnlyMemory<byte> body, string? contentType,
        Func<Uri, CancellationToken, Task<ReadOnlyMemory<byte>?>>? loadSibling, CancellationToken cancellationToken, SiteRule? rule = null)
    {
        rule ??= extractor.Sites.Match(url);
        var page = extractor.Extract(url, body, contentType, rule);
        if (page.IsContinuationPage && rule is not null)
            return new PageReading(null, FirstPageOf(url, page, rule));
        // A section list is kept as a capture, not as an article (the generic extractor would make one of its headlines).
        if (page.IsSectionList)
            return new PageReading(null, null);
        var article = await extractor.JoinAsync(url, page, rule, async (sibling, ct) =>
        {
            if (loadSibling is not null && await loadSibling(sibling, ct) is { } found)
                return found;
            return await store.LoadLatestBodyAsync(sibling, ct) is { } stored ? stored.Body : null;
        }, cancellationToken);
        return new PageReading(article.IsEmpty ? null : article, null);
    }

    /// <summary>Page 1 as the pager links it, or else the continuation URL without its <c>_N</c> suffix.</summary>
    internal static Uri FirstPageOf(Uri url, PageExtraction page, SiteRule rule)
    {
        foreach (var sibling in page.SiblingPages)
            if (rule.ContinuationPage(sibling) is null)
                return sibling;
        var path = url.AbsolutePath;
        var dot = path.LastIndexOf('.');
        var extension = dot > path.LastIndexOf('/') ? path[dot..] : "";
        return new Uri(url, SiteRuleExtractor.ArticleStem(url, rule) + extension);
    }
}
