using System.Diagnostics;
using System.Threading.Channels;
using Scraper.Archive;
using Scraper.Extraction;
using Scraper.Fetching;
using Scraper.Sites;

namespace Scraper.Crawling;

/// <summary>
/// The crawl loop, Scrapy-style: the frontier (in the archive) feeds fetch workers through a channel; workers
/// fetch through the downloader (where robots.txt, politeness and retries live) and extract; their results come
/// back through a second channel to this loop, the archive's only writer, which stores each page together with
/// its frontier row in one transaction. A crawl killed at any instant resumes from the frontier: completed pages
/// are never fetched again, and a page in flight is fetched again with no duplicate capture or revision.
/// </summary>
public sealed class Crawler
{
    private readonly ArchiveStore _store;
    private readonly Downloader _downloader;
    private readonly ArticleExtractor _extractor;
    private readonly CrawlOptions _options;
    private readonly HostScope _scope;
    private readonly ListPageReader _lists = new();
    private readonly HtmlDocumentLoader _loader = new();
    private readonly HashSet<string> _startSections;
    private readonly TimeProvider _clock;

    public Crawler(ArchiveStore store, Downloader downloader, CrawlOptions options, TimeProvider? clock = null)
    {
        _store = store;
        _downloader = downloader;
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _extractor = new ArticleExtractor(new SiteCatalog(options.Sites));
        _scope = new HostScope(options.Sites.SelectMany(s => s.Hosts).Select(h => h.Split('/')[0]).Concat(options.StartUrls.Select(u => u.Host)));
        _startSections = options.StartUrls.Select(u => u.Host + ListPageReader.SectionStem(u)).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    public async Task<CrawlSummary> RunAsync(IProgress<CrawlEvent>? progress, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var start = await _store.BeginCrawlAsync(CancellationToken.None);
        var state = new PassState(start, progress, clock);
        if (!start.Resumed)
            await SeedAsync(state, stop);

        // Fetches in flight may outlive a stop request by the grace period, then they are abandoned (and retried next time).
        using var hardStop = new CancellationTokenSource();
        using var onStop = stop.Register(() => hardStop.CancelAfter(_options.StopGrace));
        var work = Channel.CreateBounded<FrontierItem>(new BoundedChannelOptions(_options.Concurrency) { SingleWriter = true });
        var results = Channel.CreateUnbounded<WorkResult>(new UnboundedChannelOptions { SingleReader = true });
        var workers = Enumerable.Range(0, Math.Max(1, _options.Concurrency))
            .Select(_ => Task.Run(() => WorkAsync(work.Reader, results.Writer, hardStop.Token), CancellationToken.None))
            .ToList();

        var inFlight = 0;
        var dispatchedPages = 0;
        try
        {
            while (true)
            {
                var mayDispatch = !stop.IsCancellationRequested && (_options.MaxPages is not { } max || dispatchedPages < max);
                if (mayDispatch && inFlight < _options.Concurrency * 2)
                {
                    var room = _options.Concurrency * 2 - inFlight;
                    if (_options.MaxPages is { } limit) room = Math.Min(room, limit - dispatchedPages);
                    var claimed = await _store.ClaimAsync(start.Pass, room, CancellationToken.None);
                    foreach (var claimedItem in claimed)
                    {
                        // Validators for a conditional GET come from the archive, which only this loop reads.
                        var item = claimedItem.Kind == FrontierKind.Page
                            ? claimedItem with
                            {
                                Validators = await _store.GetValidatorsAsync(new Uri(claimedItem.Url)),
                                Siblings = await _store.GetContinuationValidatorsAsync(new Uri(claimedItem.Url)),
                            }
                            : claimedItem;
                        await work.Writer.WriteAsync(item, CancellationToken.None);
                        inFlight++;
                        if (item.Kind == FrontierKind.Page) dispatchedPages++;
                    }
                    if (claimed.Count > 0) continue;
                }
                if (inFlight == 0) break;
                WorkResult result;
                try { result = await results.Reader.ReadAsync(hardStop.Token); }
                catch (OperationCanceledException) { break; }
                inFlight--;
                await ProcessAsync(result, state);
            }
            if (_options.Images && !stop.IsCancellationRequested)
                await FetchImagesAsync(state, hardStop.Token);
        }
        finally
        {
            work.Writer.TryComplete();
            await Task.WhenAll(workers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        var counts = (await _store.GetRunAsync(start.RunId))?.Counts ?? new RunCounts();
        var status = stop.IsCancellationRequested ? "interrupted"
            : counts.Errors == 0 ? "ok"
            : counts.Fetched == 0 ? "failed"
            : "partial";
        await _store.EndRunAsync(start.RunId, status);
        var pending = await _store.CountPendingAsync(start.Pass);
        return new CrawlSummary(start.RunId, status, start.Resumed, counts, state.Changed, clock.Elapsed, pending);
    }

    /// <summary>A new pass: the start lists, the sitemaps of every host in scope, and the archived pages due for a check.</summary>
    private async Task SeedAsync(PassState state, CancellationToken stop)
    {
        var pass = state.Start.Pass;
        var lists = _options.StartUrls.Select(u => new FrontierEntry(CanonicalUrl.Normalize(u), KindOfStart(u), SiteOf(u), null));
        await _store.QueueAsync(lists, pass, QueueMode.Again, state.Start.RunId);
        if (_options.Sitemaps)
        {
            var sitemaps = new List<FrontierEntry>();
            foreach (var root in SitemapRoots())
            {
                if (stop.IsCancellationRequested) break;
                var robots = await _downloader.GetRobotsAsync(root, _scope, stop);
                foreach (var sitemap in robots.Sitemaps.Select(s => Uri.TryCreate(root, s, out var u) ? u : null).OfType<Uri>().Append(new Uri(root, "/sitemap.xml")).Where(_scope.Contains))
                    sitemaps.Add(new FrontierEntry(CanonicalUrl.Normalize(sitemap), FrontierKind.Sitemap, SiteOf(sitemap), null));
            }
            await _store.QueueAsync(sitemaps.DistinctBy(s => s.Url), pass, QueueMode.Again, state.Start.RunId);
        }
        await _store.QueueRevisitsAsync(pass, _options.Revisit, _options.Sites.Select(s => s.Site).ToList());
    }

    /// <summary>One root per host in scope, with the scheme its start URLs use (https for the sites' own hosts).</summary>
    private IEnumerable<Uri> SitemapRoots()
    {
        var schemes = _options.StartUrls.GroupBy(u => u.Authority, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        foreach (var start in schemes.Values) yield return new Uri(start.GetLeftPart(UriPartial.Authority) + "/");
        foreach (var host in _options.Sites.SelectMany(s => s.Hosts).Where(h => !h.Contains('/')))
            if (!schemes.Keys.Any(k => k.Split(':')[0].Equals(host, StringComparison.OrdinalIgnoreCase)))
                yield return new Uri($"https://{host}/");
    }

    private FrontierKind KindOfStart(Uri url) =>
        _extractor.Sites.Match(url) is { } rule && rule.IsArticle(url) ? FrontierKind.Page : FrontierKind.List;

    private string? SiteOf(Uri url) => _extractor.Sites.Match(url)?.Site;

    // ---- workers: fetch and read, no archive access ----

    private async Task WorkAsync(ChannelReader<FrontierItem> work, ChannelWriter<WorkResult> results, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in work.ReadAllAsync(cancellationToken))
            {
                WorkResult result;
                try { result = await FetchAndReadAsync(item, cancellationToken); }
                catch (OperationCanceledException) { return; }
                await results.WriteAsync(result, cancellationToken);
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task<WorkResult> FetchAndReadAsync(FrontierItem item, CancellationToken cancellationToken)
    {
        var url = new Uri(item.Url);
        var request = new FetchRequest(url) { Scope = _scope };
        if (item.Kind == FrontierKind.Page && item.Validators is { } validators)
            request = request with { IfNoneMatch = validators.ETag, IfModifiedSince = validators.LastModified };
        var fetched = await _downloader.FetchAsync(request, cancellationToken);
        if (fetched.NotModified && item.Siblings.Count > 0)
        {
            // Page 1 is unchanged, but an edit may touch only page 2 or 3: check them too. If one changed, the article
            // is read again from scratch (page 1 fetched in full, siblings with it), so the joined revision is whole.
            var siblings = new List<(Uri Url, FetchResult Result)>();
            foreach (var (siblingUrl, siblingValidators) in item.Siblings)
            {
                var sibling = await _downloader.FetchAsync(new FetchRequest(siblingUrl)
                {
                    Scope = _scope, IfNoneMatch = siblingValidators.ETag, IfModifiedSince = siblingValidators.LastModified,
                }, cancellationToken);
                if (!sibling.NotModified)
                {
                    fetched = await _downloader.FetchAsync(new FetchRequest(url) { Scope = _scope }, cancellationToken);
                    siblings.Clear();
                    break;
                }
                siblings.Add((siblingUrl, sibling));
            }
            if (fetched.NotModified) return new WorkResult(item, fetched) { Siblings = siblings };
        }
        if (!fetched.IsSuccess) return new WorkResult(item, fetched);
        try
        {
            switch (item.Kind)
            {
                case FrontierKind.Sitemap:
                    using (var stream = new MemoryStream(fetched.Body))
                        return new WorkResult(item, fetched) { Sitemap = SitemapReader.Read(stream) };
                case FrontierKind.List:
                    if (!fetched.IsHtml) return new WorkResult(item, fetched) { Problem = NotHtml(fetched) };
                    var rule = _extractor.Sites.Match(fetched.FinalUrl) ?? _extractor.Sites.Match(url);
                    if (rule is null) return new WorkResult(item, fetched) { Problem = new CrawlError("scope", "no site rules for this host") };
                    var document = _loader.Load(fetched.Body, fetched.ContentType);
                    return new WorkResult(item, fetched) { List = _lists.Read(document, fetched.FinalUrl, rule, _scope.Hosts.ToHashSet(StringComparer.OrdinalIgnoreCase)) };
                default:
                    if (!fetched.IsHtml) return new WorkResult(item, fetched) { Problem = NotHtml(fetched) };
                    return await ReadPageAsync(item, url, fetched, cancellationToken);
            }
        }
        catch (UnreadablePageException e)
        {
            return new WorkResult(item, fetched) { Problem = new CrawlError("extraction", e.Message) };
        }
    }

    private async Task<WorkResult> ReadPageAsync(FrontierItem item, Uri url, FetchResult fetched, CancellationToken cancellationToken)
    {
        // The page is archived under the URL it was queued as; a redirect within scope only tells where the body came from.
        var rule = _extractor.Sites.Match(url);
        var page = _extractor.Extract(url, fetched.Body, fetched.ContentType, rule);
        if (page.IsContinuationPage && rule is not null)
            return new WorkResult(item, fetched) { ContinuationOf = ArticleArchiver.FirstPageOf(url, page, rule) };
        // A section list reached as a page (a sitemap lists it): read as the list it is, its articles queued.
        if (page.IsSectionList && rule is not null)
            return new WorkResult(item, fetched)
            {
                List = _lists.Read(_loader.Load(fetched.Body, fetched.ContentType), fetched.FinalUrl, rule, _scope.Hosts.ToHashSet(StringComparer.OrdinalIgnoreCase)),
            };
        var siblings = new List<(Uri Url, FetchResult Result)>();
        var article = await _extractor.JoinAsync(url, page, rule, async (sibling, ct) =>
        {
            var result = await _downloader.FetchAsync(new FetchRequest(sibling) { Scope = _scope }, ct);
            if (!result.IsSuccess || !result.IsHtml) return null;
            siblings.Add((sibling, result));
            return result.Body;
        }, cancellationToken);
        if (article.IsEmpty)
            return new WorkResult(item, fetched) { Problem = new CrawlError("extraction", "no article text found (a page cut off before its body, or not an article page)") };
        // Hashing and compressing the body here, in the fetch worker, leaves the archive's single writer only writing.
        return new WorkResult(item, fetched) { Page = ArchiveStore.Prepare(fetched.Body, article), Siblings = siblings };
    }

    private static CrawlError NotHtml(FetchResult fetched) =>
        new("not-html", $"not HTML ({fetched.ContentType ?? "no content type"}); not extracted", fetched.StatusCode);

    // ---- the loop's side: all archive writes ----

    private async Task ProcessAsync(WorkResult result, PassState state)
    {
        var item = result.Item;
        var fetched = result.Fetched;
        var now = _clock.GetUtcNow();
        if (!fetched.IsSuccess && !fetched.NotModified)
        {
            // A host without a sitemap is normal, not an error.
            if (item.Kind == FrontierKind.Sitemap && fetched.StatusCode is 404 or 410 or 403)
            {
                await _store.CompleteAsync(item.Url, new FrontierOutcome("skipped"), state.Start.RunId, new RunCounts());
                return;
            }
            // Honouring robots.txt is the crawl working as it should: the URL is skipped, not failed.
            if (fetched.Error == FetchErrorKind.DisallowedByRobots)
            {
                await _store.CompleteAsync(item.Url, new FrontierOutcome("skipped", null, item.UnchangedCount), state.Start.RunId, new RunCounts());
                state.Report(item.Url, "skipped", fetched.ErrorMessage, new RunCounts());
                return;
            }
            var error = new CrawlError(ErrorKind(fetched), fetched.ErrorMessage ?? $"HTTP {fetched.StatusCode}", fetched.StatusCode);
            await _store.CompleteAsync(item.Url, new FrontierOutcome("failed", now + RevisitSchedule.FirstBackoff, item.UnchangedCount, error),
                state.Start.RunId, new RunCounts(Errors: 1));
            state.Report(item.Url, "error", error.Message, new RunCounts(Errors: 1));
            return;
        }
        if (result.Problem is { } problem)
        {
            await _store.CompleteAsync(item.Url, new FrontierOutcome("failed", now + RevisitSchedule.FirstBackoff, item.UnchangedCount, problem),
                state.Start.RunId, new RunCounts(Fetched: 1, Errors: 1));
            state.Report(item.Url, "error", problem.Message, new RunCounts(Fetched: 1, Errors: 1));
            return;
        }
        switch (item.Kind)
        {
            case FrontierKind.Sitemap:
                await ProcessSitemapAsync(item, result.Sitemap!, state);
                break;
            case FrontierKind.List:
            case FrontierKind.Page when result.List is not null:
                await ProcessListAsync(item, result.List!, state);
                break;
            default:
                await ProcessPageAsync(result, state, now);
                break;
        }
    }

    private async Task ProcessListAsync(FrontierItem item, ListPage list, PassState state)
    {
        var pass = state.Start.Pass;
        var fresh = new List<FrontierEntry>();
        foreach (var entry in list.Entries)
        {
            if (_options.Since is { } since && entry.Date < since) continue;
            var canonical = CanonicalUrl.Normalize(entry.Url);
            if (!await _store.IsArchivedAsync(canonical))
                fresh.Add(new FrontierEntry(canonical, FrontierKind.Page, item.Site ?? SiteOf(entry.Url), item.Url));
        }
        var queued = await _store.QueueAsync(fresh, pass, QueueMode.UnlessArchived, state.Start.RunId);
        // A re-crawl stops paging a section at a list page that offers nothing new (all archived, or older than --since).
        if (fresh.Count > 0 || list.Entries.Count == 0 && list.Pages.Count > 0)
        {
            var pages = list.Pages.Select(p => new FrontierEntry(CanonicalUrl.Normalize(p), FrontierKind.List, item.Site, item.Url));
            await _store.QueueAsync(pages, pass, QueueMode.Again, state.Start.RunId);
        }
        await _store.CompleteAsync(item.Url, new FrontierOutcome("done"), state.Start.RunId, new RunCounts(Fetched: 1));
        state.Report(item.Url, "list", $"{list.Entries.Count} articles, {queued} new", new RunCounts(Fetched: 1, Discovered: queued));
    }

    private async Task ProcessSitemapAsync(FrontierItem item, Sitemap sitemap, PassState state)
    {
        var pass = state.Start.Pass;
        var pages = new List<FrontierEntry>();
        foreach (var entry in sitemap.Pages.Where(e => _scope.Contains(e.Url)))
        {
            // The start sections' lists are read as lists already; any other page of the sitemap is archived.
            if (_startSections.Contains(entry.Url.Host + ListPageReader.SectionStem(entry.Url)) && _extractor.Sites.Match(entry.Url) is { } rule && !rule.IsArticle(entry.Url))
                continue;
            if (_options.Since is { } since && entry.LastModified is { } modified && DateOnly.FromDateTime(modified.UtcDateTime) < since)
                continue;
            var canonical = CanonicalUrl.Normalize(entry.Url);
            if (!await _store.IsArchivedAsync(canonical))
                pages.Add(new FrontierEntry(canonical, FrontierKind.Page, SiteOf(entry.Url), item.Url));
        }
        var queued = await _store.QueueAsync(pages, pass, QueueMode.UnlessArchived, state.Start.RunId);
        var nested = sitemap.Sitemaps.Where(_scope.Contains).Select(s => new FrontierEntry(CanonicalUrl.Normalize(s), FrontierKind.Sitemap, SiteOf(s), item.Url));
        await _store.QueueAsync(nested, pass, QueueMode.Again, state.Start.RunId);
        await _store.CompleteAsync(item.Url, new FrontierOutcome("done"), state.Start.RunId, new RunCounts(Fetched: 1));
        state.Report(item.Url, "sitemap", $"{sitemap.Pages.Count} pages, {queued} new", new RunCounts(Fetched: 1, Discovered: queued));
    }

    private async Task ProcessPageAsync(WorkResult result, PassState state, DateTimeOffset now)
    {
        var item = result.Item;
        var fetched = result.Fetched;
        var runId = state.Start.RunId;
        if (fetched.NotModified && item.Validators is null)
        {
            // Only an answer to a conditional GET can say "not modified": there is nothing here it could confirm.
            var error = new CrawlError("http", "304 Not Modified to a request without validators", 304);
            await _store.CompleteAsync(item.Url, new FrontierOutcome("failed", now + RevisitSchedule.FirstBackoff, item.UnchangedCount, error),
                runId, new RunCounts(Fetched: 1, Errors: 1));
            state.Report(item.Url, "error", error.Message, new RunCounts(Fetched: 1, Errors: 1));
            return;
        }
        if (fetched.NotModified)
        {
            // Every check is a capture: the 304s of the siblings (all unchanged), then page 1's with its frontier row.
            foreach (var (siblingUrl, sibling) in result.Siblings)
                await _store.StoreNotModifiedAsync(siblingUrl, _clock.GetUtcNow(), sibling.ETag, sibling.LastModified, runId);
            var unchanged = item.UnchangedCount + 1;
            var published = await _store.GetPublishedAsync(item.Url);
            var outcome = new FrontierOutcome("done", RevisitSchedule.NextCheck(now, published, unchanged), unchanged);
            var delta = new RunCounts(Fetched: 1, Unchanged: 1);
            await _store.StoreNotModifiedAsync(new Uri(item.Url), _clock.GetUtcNow(), fetched.ETag, fetched.LastModified, runId, CancellationToken.None,
                (_, ct) => _store.CompleteInTransactionAsync(item.Url, outcome, runId, delta, ct));
            state.Report(item.Url, "not-modified", null, delta);
            return;
        }
        foreach (var (siblingUrl, sibling) in result.Siblings)
            await _store.StorePageAsync(Capture(siblingUrl, sibling, runId) with { ContinuationOf = new Uri(item.Url) }, null);

        if (result.ContinuationOf is { } firstPage)
        {
            await _store.StorePageAsync(Capture(new Uri(item.Url), fetched, runId) with { ContinuationOf = firstPage }, null, CancellationToken.None,
                (_, ct) => _store.CompleteInTransactionAsync(item.Url, new FrontierOutcome("done", now + RevisitSchedule.MaxBackoff), runId, new RunCounts(Fetched: 1), ct));
            var queued = await _store.QueueAsync([new FrontierEntry(CanonicalUrl.Normalize(firstPage), FrontierKind.Page, item.Site, item.Url)],
                state.Start.Pass, QueueMode.UnlessArchived, runId);
            state.Report(item.Url, "continuation", $"page of {firstPage}", new RunCounts(Fetched: 1, Discovered: queued));
            return;
        }

        var prepared = result.Page!;
        var article = prepared.Article!;
        var publishedDate = DateOnly.TryParse(article.Published, out var p) ? p : (DateOnly?)null;
        RunCounts? counted = null;
        var stored = await _store.StorePreparedAsync(Capture(new Uri(item.Url), fetched, runId), prepared, CancellationToken.None, (stored, ct) =>
        {
            var unchanged = stored.RevisionAdded ? 0 : item.UnchangedCount + 1;
            counted = new RunCounts(
                Fetched: 1,
                Unchanged: stored.RevisionAdded ? 0 : 1,
                NewPages: stored.RevisionAdded && stored.RevisionNumber == 1 ? 1 : 0,
                NewRevisions: stored.RevisionAdded ? 1 : 0,
                // The site's rules missed and the generic extractor took over: template drift to look at.
                GenericFallbacks: article.Site is not null && article.Extractor == ArticleExtractor.GenericName ? 1 : 0,
                // Some selector missed a field the page shows (found by the anatomy or the generic extractor).
                SelectorMisses: article.SelectorMisses.Count > 0 ? 1 : 0);
            var outcome = new FrontierOutcome("done", RevisitSchedule.NextCheck(now, publishedDate, unchanged), unchanged);
            return _store.CompleteInTransactionAsync(item.Url, outcome, runId, counted, ct);
        });
        var kind = !stored.RevisionAdded ? "unchanged" : stored.RevisionNumber == 1 ? "new" : "changed";
        if (kind == "changed") state.Changed++;
        state.Report(item.Url, kind, stored.RevisionNumber is { } n ? $"revision {n}, {article.Extractor}" : article.Extractor, counted!);
    }

    private PageCapture Capture(Uri url, FetchResult fetched, long runId) =>
        new(url, _clock.GetUtcNow(), fetched.Body, CaptureOrigin.Fetch)
        {
            HttpStatus = fetched.StatusCode,
            ETag = fetched.ETag,
            LastModified = fetched.LastModified,
            ContentType = fetched.ContentType,
            RunId = runId,
            Site = SiteOf(url),
        };

    /// <summary>Every figure without its image gets it, fetched once per src and stored once per sha256.</summary>
    private async Task FetchImagesAsync(PassState state, CancellationToken cancellationToken)
    {
        var sources = await _store.ListFiguresWithoutImageAsync(_options.Sites.Select(s => s.Site).ToList());
        var images = Channel.CreateUnbounded<string>();
        foreach (var src in sources) images.Writer.TryWrite(src);
        images.Writer.Complete();
        var fetchedImages = Channel.CreateUnbounded<(string Src, FetchResult Result)>(new UnboundedChannelOptions { SingleReader = true });
        var workers = Enumerable.Range(0, Math.Max(1, _options.Concurrency)).Select(_ => Task.Run(async () =>
        {
            await foreach (var src in images.Reader.ReadAllAsync(cancellationToken))
            {
                var url = new Uri(src);
                var result = await _downloader.FetchAsync(new FetchRequest(url) { Kind = FetchContentKind.Image, Scope = HostScope.Of(url) }, cancellationToken);
                await fetchedImages.Writer.WriteAsync((src, result), cancellationToken);
            }
        }, cancellationToken)).ToList();
        _ = Task.WhenAll(workers).ContinueWith(t => fetchedImages.Writer.TryComplete(t.Exception), TaskScheduler.Default);
        try
        {
            await foreach (var (src, result) in fetchedImages.Reader.ReadAllAsync(cancellationToken))
            {
                if (result.IsSuccess && !result.Truncated)
                {
                    var sha = await _store.StoreImageAsync(src, result.Body, result.ContentType);
                    state.Report(src, "image", sha[..12], new RunCounts());
                }
                else
                {
                    var error = new CrawlError("image", result.ErrorMessage ?? $"HTTP {result.StatusCode}", result.StatusCode);
                    await _store.RecordErrorAsync(state.Start.RunId, src, error);
                    state.Report(src, "error", error.Message, new RunCounts(Errors: 1));
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private static string ErrorKind(FetchResult fetched) => fetched.Error switch
    {
        FetchErrorKind.HttpStatus => "http",
        FetchErrorKind.Timeout => "timeout",
        FetchErrorKind.ConnectionReset or FetchErrorKind.ConnectionFailed or FetchErrorKind.ProtocolError => "network",
        FetchErrorKind.TooLarge => "too-large",
        FetchErrorKind.DisallowedByRobots => "robots",
        FetchErrorKind.RedirectLoop or FetchErrorKind.TooManyRedirects or FetchErrorKind.RedirectOutOfScope => "redirect",
        FetchErrorKind.OutOfScope => "scope",
        FetchErrorKind.UnexpectedContentType => "content-type",
        _ => "fetch",
    };

    /// <summary>A worker's answer for one frontier row.</summary>
    private sealed record WorkResult(FrontierItem Item, FetchResult Fetched)
    {
        public CrawlError? Problem { get; init; }
        public ListPage? List { get; init; }
        public Sitemap? Sitemap { get; init; }
        /// <summary>An article page's body and article, ready to store.</summary>
        public PreparedPage? Page { get; init; }
        public Uri? ContinuationOf { get; init; }
        public IReadOnlyList<(Uri Url, FetchResult Result)> Siblings { get; init; } = [];
    }

    /// <summary>The loop's running totals, for progress events.</summary>
    private sealed class PassState(CrawlStart start, IProgress<CrawlEvent>? progress, Stopwatch clock)
    {
        private RunCounts _totals = new();
        public CrawlStart Start { get; } = start;
        public int Changed { get; set; }

        public void Report(string url, string outcome, string? detail, RunCounts delta)
        {
            _totals += delta;
            progress?.Report(new CrawlEvent(url, outcome, detail, _totals, Changed, clock.Elapsed));
        }
    }
}
