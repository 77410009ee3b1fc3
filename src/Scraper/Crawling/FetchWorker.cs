using Scraper.Archive;
using Scraper.Extraction;
using Scraper.Fetching;

namespace Scraper.Crawling;

/// <summary>
/// Fetches one frontier row and reads what came back, without touching the archive: a list page into its links, a
/// sitemap into its entries, an article page into an article ready to store (with its continuation pages). Whatever
/// happens, the answer is a <see cref="WorkResult"/>: faults, unreadable pages and unexpected exceptions become the row's
/// error, and a stop makes it a cancelled result. Thread-safe: the engine runs several rows at once.
/// </summary>
internal sealed class FetchWorker(Downloader downloader, PageReader reader, HostScope scope, Func<Uri, Uri>? readAs = null)
{
    private readonly ListPageReader _lists = new();
    private readonly HtmlDocumentLoader _loader = new();

    private Sites.SiteCatalog Sites => reader.Extractor.Sites;

    public async Task<WorkResult> RunAsync(FrontierItem item, CancellationToken cancellationToken)
    {
        FetchResult? fetched = null;
        try
        {
            (fetched, var siblings) = await FetchAsync(item, cancellationToken);
            if (fetched.NotModified) return new WorkResult(item) { Fetched = fetched, Siblings = siblings };
            if (!fetched.IsSuccess) return WorkResult.Failed(item, fetched, ErrorOf(fetched));
            return await ReadAsync(item, fetched, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new WorkResult(item) { Cancelled = true };
        }
        catch (UnreadablePageException e)
        {
            return WorkResult.Failed(item, fetched, new CrawlError("extraction", OneLine(e.Message)));
        }
        catch (Exception e)
        {
            // A bug or a rule that throws (a regular expression timing out…): this row's error; the crawl goes on.
            var stage = fetched is null ? "fetching" : "reading";
            return WorkResult.Failed(item, fetched, new CrawlError("internal", $"{stage} failed: {e.GetType().Name}: {OneLine(e.Message)}"));
        }
    }

    /// <summary>The row's URL, conditionally when it was archived; for page 1 of an article, its siblings too.</summary>
    private async Task<(FetchResult Fetched, IReadOnlyList<SiblingFetch> Siblings)> FetchAsync(FrontierItem item, CancellationToken cancellationToken)
    {
        var url = new Uri(item.Url);
        var request = new FetchRequest(url) { Scope = scope };
        if (item.Kind == FrontierKind.Page && item.Validators is { } validators)
            request = request with { IfNoneMatch = validators.ETag, IfModifiedSince = validators.LastModified };
        var fetched = await downloader.FetchAsync(request, cancellationToken);
        if (!fetched.NotModified || item.Siblings.Count == 0) return (fetched, []);

        // Page 1 is unchanged, but an edit may touch only page 2 or 3: check them too. If one changed, the article is
        // read again from scratch (page 1 fetched in full, siblings with it), so the joined revision is whole.
        var siblings = new List<SiblingFetch>();
        foreach (var (siblingUrl, siblingValidators) in item.Siblings)
        {
            var sibling = await downloader.FetchAsync(new FetchRequest(siblingUrl)
            {
                Scope = scope, IfNoneMatch = siblingValidators.ETag, IfModifiedSince = siblingValidators.LastModified,
            }, cancellationToken);
            if (!sibling.NotModified)
                return (await downloader.FetchAsync(new FetchRequest(url) { Scope = scope }, cancellationToken), []);
            siblings.Add(new SiblingFetch(siblingUrl, sibling, null));
        }
        return (fetched, siblings);
    }

    private async Task<WorkResult> ReadAsync(FrontierItem item, FetchResult fetched, CancellationToken cancellationToken)
    {
        var url = new Uri(item.Url);
        switch (item.Kind)
        {
            case FrontierKind.Sitemap:
                using (var stream = new MemoryStream(fetched.Body, writable: false))
                    return new WorkResult(item) { Fetched = fetched, Sitemap = SitemapReader.Read(stream) };
            case FrontierKind.List:
                if (!fetched.IsHtml) return WorkResult.Failed(item, fetched, NotHtml(fetched));
                if ((Sites.Match(fetched.FinalUrl) ?? Sites.Match(url)) is not { } rule)
                    return WorkResult.Failed(item, fetched, new CrawlError("scope", "no site rules for this host"));
                return new WorkResult(item) { Fetched = fetched, List = _lists.Read(_loader.Load(fetched.Body, fetched.ContentType), fetched.FinalUrl, rule, scope, Sites) };
            default:
                if (!fetched.IsHtml) return WorkResult.Failed(item, fetched, NotHtml(fetched));
                return await ReadPageAsync(item, url, fetched, cancellationToken);
        }
    }

    private async Task<WorkResult> ReadPageAsync(FrontierItem item, Uri url, FetchResult fetched, CancellationToken cancellationToken)
    {
        // The page is archived under the URL it was queued as; a redirect within scope only tells where the body came from.
        var siblings = new List<SiblingFetch>();
        var reading = await reader.ReadAsync(url, fetched.Body, fetched.ContentType, async (sibling, ct) =>
        {
            var result = await downloader.FetchAsync(new FetchRequest(sibling) { Scope = scope }, ct);
            if (!result.IsSuccess || !result.IsHtml) return null;
            // Hashed and compressed here, beside the fetch: the archive's single writer only writes.
            siblings.Add(new SiblingFetch(sibling, result, CaptureWriter.Prepare(result.Body, null)));
            return result.Body;
        }, cancellationToken);

        if (reading.ContinuationOf is { } firstPage)
            return new WorkResult(item) { Fetched = fetched, ContinuationOf = firstPage, BodyOnly = CaptureWriter.Prepare(fetched.Body, null) };
        if (reading.IsStandingPage)
            return new WorkResult(item)
            {
                Fetched = fetched, IsStandingPage = true, BodyOnly = CaptureWriter.Prepare(fetched.Body, null), Sections = SectionsOf(url, fetched),
            };
        // A section list reached as a page (a sitemap lists it): read as the list it is, its articles queued.
        if (reading.IsSectionList && Sites.Match(url) is { } rule)
            return new WorkResult(item) { Fetched = fetched, List = _lists.Read(_loader.Load(fetched.Body, fetched.ContentType), fetched.FinalUrl, rule, scope, Sites) };
        if (reading.Article is not { } article)
            return WorkResult.Failed(item, fetched,
                new CrawlError("extraction", "no article text found (a page cut off before its body, or not an article page)"));
        // Stored as at its page's canonical spelling (the host its host group names), as import and reextract read it:
        // its images are then the same whichever alias served it, so it is the same revision.
        if (readAs?.Invoke(url) is { } pageUrl && pageUrl != url) article = article.AsAt(pageUrl, url);
        return new WorkResult(item)
        {
            Fetched = fetched, Page = CaptureWriter.Prepare(fetched.Body, article), Siblings = siblings, Sections = SectionsOf(url, fetched),
        };
    }

    /// <summary>
    /// The sections an article page links to. Its navigation is the list pages' (read there already), but its crumb and
    /// sidebars may name a section or topic no navigation lists; a run queues each section once. Read from the raw page,
    /// without a second parse of it.
    /// </summary>
    private IReadOnlyList<Uri> SectionsOf(Uri url, FetchResult fetched)
    {
        if (Sites.Match(url) is not { } rule || rule.ListUrlRegex is null) return [];
        try { return _lists.ReadSections(fetched.Body, fetched.FinalUrl, rule, scope, Sites); }
        // A page whose links a pattern cannot read in time still has its article; its sections come from other pages.
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException) { return []; }
    }

    private static CrawlError NotHtml(FetchResult fetched) =>
        new("not-html", $"not HTML ({fetched.ContentType ?? "no content type"}); not extracted", fetched.StatusCode);

    /// <summary>A failed fetch as the archive records it.</summary>
    public static CrawlError ErrorOf(FetchResult fetched) =>
        new(ErrorKind(fetched.Error), fetched.ErrorMessage ?? $"HTTP {fetched.StatusCode}", fetched.StatusCode);

    private static string ErrorKind(FetchErrorKind error) => error switch
    {
        FetchErrorKind.HttpStatus => "http",
        FetchErrorKind.Timeout => "timeout",
        FetchErrorKind.ConnectionReset or FetchErrorKind.ConnectionFailed or FetchErrorKind.ProtocolError => "network",
        FetchErrorKind.TooLarge => "too-large",
        FetchErrorKind.DisallowedByRobots or FetchErrorKind.RobotsUnreachable => "robots",
        FetchErrorKind.RedirectLoop or FetchErrorKind.TooManyRedirects or FetchErrorKind.RedirectOutOfScope => "redirect",
        FetchErrorKind.OutOfScope => "scope",
        FetchErrorKind.UnexpectedContentType => "content-type",
        _ => "fetch",
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
