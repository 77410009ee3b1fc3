using Scraper.Sites;

namespace Scraper.Extraction;

/// <summary>What one raw page is, read by <see cref="PageReader"/>.</summary>
/// <param name="Article">Page 1's article joined with its sibling pages; null for a continuation page, a section list or a
/// page without article text.</param>
/// <param name="ContinuationOf">For page 2, 3 …: page 1's URL.</param>
/// <param name="IsSectionList">One of the site's section lists: kept as a capture, never as an article.</param>
/// <param name="IsStandingPage">A standing page of the site (About, Overview; see <see cref="SiteRule.IsStandingPage"/>):
/// kept as a capture, never as an article.</param>
public sealed record PageReading(Article? Article, Uri? ContinuationOf, bool IsSectionList = false, bool IsStandingPage = false);

/// <summary>A page's extraction took longer than its time budget and was abandoned.</summary>
public sealed class ExtractionTimeoutException(string message) : UnreadablePageException(message);

/// <summary>
/// The one step that reads a fetched or saved page into an article, shared by the crawler, <c>import</c> and
/// <c>reextract</c>: the extraction cascade, then what the pager says (a continuation page only names page 1; page 1 is
/// joined with its siblings, which the caller finds), and section lists told apart from articles. With a
/// <see cref="Budget"/>, each page's extraction runs on the thread pool and is abandoned past it, so one pathological
/// page (a parser worst case, a site rule's regular expression backtracking) costs its own error, not the run.
/// </summary>
public class PageReader(ArticleExtractor extractor)
{
    public ArticleExtractor Extractor => extractor;

    /// <summary>The longest one page's extraction may take; null for no limit.</summary>
    public TimeSpan? Budget { get; init; }

    /// <summary>Bounds the bytes of the pages extracted at once (see <see cref="ExtractionMemoryGate"/>); null for no bound.
    /// The time <see cref="Budget"/> starts once a page is let in.</summary>
    public ExtractionMemoryGate? MemoryGate { get; init; }

    /// <param name="loadSibling">Finds a sibling page's bytes (fetched, or a file beside the page); null when it cannot be had.</param>
    /// <param name="rule">The rules to read it with (a <c>--rules</c> file's, or those of the site a page was archived under);
    /// by default those of its host.</param>
    /// <exception cref="UnreadablePageException">The body is not an HTML page, or its extraction ran past the budget.</exception>
    public async Task<PageReading> ReadAsync(Uri url, ReadOnlyMemory<byte> body, string? contentType,
        Func<Uri, CancellationToken, Task<ReadOnlyMemory<byte>?>>? loadSibling, CancellationToken cancellationToken, SiteRule? rule = null)
    {
        rule ??= extractor.Sites.Match(url);
        // A standing page is no article, whatever an extractor would make of it (the rules say which pages are).
        if (rule?.IsStandingPage(url) == true)
            return new PageReading(null, null, IsStandingPage: true);
        var page = await ExtractWithinBudgetAsync(url, body, contentType, rule, cancellationToken);
        if (page.IsContinuationPage && rule is not null)
            return new PageReading(null, FirstPageOf(url, page, rule));
        // A section list is kept as a capture, not as an article (the generic extractor would make one of its headlines).
        if (page.IsSectionList)
            return new PageReading(null, null, IsSectionList: true);
        var article = await extractor.JoinAsync(url, page, rule, loadSibling ?? NoSibling, cancellationToken,
            (sibling, bytes, ct) => ExtractWithinBudgetAsync(sibling, bytes, null, rule, ct));
        return new PageReading(article.IsEmpty ? null : article, null);
    }

    /// <summary>One page through the extraction cascade; a test may stand in a failing extractor here.</summary>
    protected virtual PageExtraction Extract(Uri url, ReadOnlyMemory<byte> body, string? contentType, SiteRule? rule) =>
        extractor.Extract(url, body, contentType, rule);

    private async Task<PageExtraction> ExtractWithinBudgetAsync(Uri url, ReadOnlyMemory<byte> body, string? contentType, SiteRule? rule,
        CancellationToken cancellationToken)
    {
        using var admission = MemoryGate is null ? null : await MemoryGate.EnterAsync(body.Length, cancellationToken);
        if (Budget is not { } budget) return Extract(url, body, contentType, rule);
        // The work cannot be interrupted; past the budget it is left to finish on its own, its result unread. Regular
        // expressions of the rules have their own timeouts, so such leftovers end soon.
        var work = Task.Run(() => Extract(url, body, contentType, rule), CancellationToken.None);
        try
        {
            return await work.WaitAsync(budget, cancellationToken);
        }
        catch (TimeoutException)
        {
            _ = work.ContinueWith(t => t.Exception, TaskScheduler.Default); // observed, so it is not reported as unobserved
            throw new ExtractionTimeoutException($"extraction took longer than {budget.TotalSeconds:0.#} s; page left unread");
        }
    }

    private static Task<ReadOnlyMemory<byte>?> NoSibling(Uri sibling, CancellationToken cancellationToken) =>
        Task.FromResult<ReadOnlyMemory<byte>?>(null);

    /// <summary>Page 1 as the pager links it, or else the continuation URL without its <c>_N</c> suffix.</summary>
    public static Uri FirstPageOf(Uri url, PageExtraction page, SiteRule rule)
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
