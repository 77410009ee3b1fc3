using Scraper.Extraction;
using Scraper.Sites;

namespace Scraper.Archive;

/// <summary>
/// Extracts raw pages and stores them with their article: the step shared by <c>import</c>, <c>reextract</c>
/// and the crawler. Sibling pages of a multi-page article come from the caller first, then from the archive.
/// </summary>
public sealed class ArticleArchiver(ArchiveStore store, PageReader reader)
{
    public ArticleArchiver(ArchiveStore store, ArticleExtractor extractor) : this(store, new PageReader(extractor)) { }

    /// <summary>Extracts <paramref name="capture"/> and stores capture and article in one transaction.</summary>
    /// <param name="loadSibling">Finds a sibling page's bytes outside the archive (e.g. beside an imported file); may be null.</param>
    /// <exception cref="UnreadablePageException">The body is not an HTML page; nothing is stored.</exception>
    public async Task<(StoreResult Stored, PageReading Reading)> ArchiveAsync(PageCapture capture,
        Func<Uri, CancellationToken, Task<ReadOnlyMemory<byte>?>>? loadSibling, CancellationToken cancellationToken)
    {
        // A body given under another URL of its page (an alias: the other scheme, a mirror host) is stored as at the
        // page's own URL (the archived page's, else the canonical spelling it will be archived under), so that its
        // images are the same: the same article under another URL is then the same revision. The capture keeps the URL
        // it came from.
        var rule = reader.Extractor.Sites.Match(capture.Url);
        var reading = await ReadAsync(capture.Url, capture.Body, capture.ContentType, loadSibling, cancellationToken, rule);
        var pageUrl = new Uri(await store.Reader.FindPageAsync(capture.Url.AbsoluteUri, cancellationToken) is { } known
            ? known.Url
            : store.Identity.Canonical(capture.Url));
        if (reading.Article is { } article && pageUrl != capture.Url) reading = reading with { Article = article.AsAt(pageUrl, capture.Url) };
        var stored = await store.Captures.StorePageAsync(capture with { ContinuationOf = reading.ContinuationOf, Site = capture.Site ?? rule?.Site },
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
            var body = await store.Reader.LoadBodyAsync(capture.CaptureId, cancellationToken);
            reading = await ReadAsync(new Uri(capture.Url), body, capture.ContentType, null, cancellationToken, RuleOf(capture));
            // As at the page's own URL, as import and the crawl store it (see ArchiveAsync).
            if (reading.Article is { } article && capture.PageUrl is { } page && page != capture.Url)
                reading = reading with { Article = article.AsAt(new Uri(page), new Uri(capture.Url)) };
        }
        var result = await store.Captures.ApplyExtractionAsync(capture.CaptureId, reading.Article, reading.ContinuationOf, cancellationToken);
        return (result, reading);
    }

    /// <summary>
    /// The rules a stored page is read with: those of the site it was archived under (a page crawled from another host
    /// with <c>crawl --start</c> keeps its site), else those of its host.
    /// </summary>
    public SiteRule? RuleOf(StoredCapture capture) =>
        (capture.Site is { } site ? reader.Extractor.Sites.Find(site) : null) ?? reader.Extractor.Sites.Match(new Uri(capture.Url));

    /// <summary>Extracts one page (<see cref="PageReader"/>); page 1's siblings come from the caller, then from the archive.</summary>
    /// <param name="rule">The rules to read it with; by default those of its host.</param>
    public Task<PageReading> ReadAsync(Uri url, ReadOnlyMemory<byte> body, string? contentType,
        Func<Uri, CancellationToken, Task<ReadOnlyMemory<byte>?>>? loadSibling, CancellationToken cancellationToken, SiteRule? rule = null) =>
        reader.ReadAsync(url, body, contentType, async (sibling, ct) =>
        {
            if (loadSibling is not null && await loadSibling(sibling, ct) is { } found)
                return found;
            return await store.Reader.LoadLatestBodyAsync(sibling, ct) is { } stored ? stored.Body : null;
        }, cancellationToken, rule);
}
