using Scraper.Archive;
using Scraper.Extraction;
using Scraper.Fetching;

namespace Scraper.Crawling;

/// <summary>
/// Writes what the fetch workers found into the archive, one frontier row at a time: each page is stored together
/// with its frontier row and the run's counters in one transaction (a page 1 with its continuation pages), so a crawl
/// killed at any instant resumes without losing or repeating anything. The engine calls it from one thread only: the
/// archive has a single writer. An unexpected failure while storing one row is that row's recorded error; only a
/// failure of the archive itself (disk full, read-only, corrupt) ends the crawl.
/// </summary>
internal sealed class CrawlRecorder(ArchiveStore store, CrawlSeeder seeder, TimeProvider clock)
{
    public async Task RecordAsync(WorkResult result, RunState run)
    {
        try
        {
            await WriteAsync(result, run);
        }
        catch (Exception e) when (!IsArchiveFailure(e))
        {
            var error = new CrawlError("internal", $"storing failed: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            var delta = new RunCounts(Errors: 1);
            await store.Frontier.CompleteAsync(result.Item.Url, Failed(result.Item, error), run.RunId, delta);
            Done(run, result.Item.Url, "error", error.Message, delta);
        }
    }

    /// <summary>A row that was in flight when the crawl stopped: pending again, for the next crawl.</summary>
    public Task ReleaseAsync(FrontierItem item, RunState run) =>
        store.Frontier.CompleteAsync(item.Url, new FrontierOutcome("pending", null, item.UnchangedCount), run.RunId, new RunCounts());

    /// <summary>
    /// An origin's robots.txt: its answer is kept as a capture (a web archive's replay needs it), and an unreachable
    /// robots.txt, which closes the origin for the run, is recorded once as that origin's error.
    /// </summary>
    public async Task RecordRobotsAsync(RobotsFetch robots, RunState run)
    {
        try
        {
            await WriteRobotsAsync(robots, run);
        }
        catch (Exception e) when (!IsArchiveFailure(e))
        {
            await store.Runs.RecordErrorAsync(run.RunId, robots.Url.AbsoluteUri,
                new CrawlError("internal", $"storing robots.txt failed: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}"));
        }
    }

    private async Task WriteRobotsAsync(RobotsFetch robots, RunState run)
    {
        if (robots.Rules.Unreachable)
            await ReportUnreachableAsync(robots.Url, robots.Rules.Description, robots.Response?.StatusCode, run);
        if (robots.Response is { } response && !response.Truncated)
        {
            var capture = new PageCapture(robots.AnsweredBy, robots.FetchedAt, response.Body, CaptureOrigin.Fetch)
            {
                HttpStatus = response.StatusCode,
                ETag = response.ETag,
                LastModified = response.LastModified,
                ContentType = response.ContentType,
                RunId = run.RunId,
                Kind = PageKind.Robots,
                Site = seeder.SiteOf(robots.AnsweredBy),
                RequestHead = response.RequestHead,
            };
            await store.Captures.StorePageAsync(capture, null);
        }
    }

    private async Task ReportUnreachableAsync(Uri robotsUrl, string why, int? status, RunState run)
    {
        if (!run.ReportedRobotsOrigins.Add(HostScope.OriginOf(robotsUrl))) return;
        var error = new CrawlError("robots", $"{why}; nothing on {robotsUrl.GetLeftPart(UriPartial.Authority)} is fetched this run (RFC 9309)", status);
        await store.Runs.RecordErrorAsync(run.RunId, robotsUrl.AbsoluteUri, error);
        Done(run, robotsUrl.AbsoluteUri, "error", error.Message, new RunCounts(Errors: 1), remainingDone: false);
    }

    private async Task WriteAsync(WorkResult result, RunState run)
    {
        var item = result.Item;
        var fetched = result.Fetched;
        if (result.Problem is { } problem && fetched is not { IsSuccess: true } && fetched is not { NotModified: true })
        {
            await RecordFetchFailureAsync(item, fetched, problem, run);
            return;
        }
        if (result.Problem is { } readProblem)
        {
            // Fetched, but what came back could not be read (not HTML, no article, an extractor's failure).
            var delta = new RunCounts(Fetched: 1, Errors: 1);
            await store.Frontier.CompleteAsync(item.Url, Failed(item, readProblem), run.RunId, delta);
            Done(run, item.Url, "error", readProblem.Message, delta);
            return;
        }
        if (result.Sitemap is { } sitemap)
        {
            var delta = new RunCounts(Fetched: 1);
            await store.Frontier.CompleteAsync(item.Url, new FrontierOutcome("done"), run.RunId, delta);
            var queued = await seeder.QueueFromSitemapAsync(item, sitemap, run, CancellationToken.None);
            Done(run, item.Url, "sitemap", $"{sitemap.Pages.Count} pages, {queued} new", delta with { Discovered = queued });
            return;
        }
        if (result.List is { } list)
        {
            var queued = await seeder.QueueFromListAsync(item, list, run, CancellationToken.None);
            var delta = new RunCounts(Fetched: 1);
            // The list page is kept as a capture (what `sections` and a WARC replay read), never as an article, with the
            // article links it offers now (a section's articles, for `sections`).
            var entries = list.Entries.Select(e => CanonicalUrl.Normalize(e.Url)).ToList();
            await store.Captures.StorePreparedAsync(Capture(new Uri(item.Url), fetched!, run) with { Kind = PageKind.List, Site = item.Site },
                CaptureWriter.Prepare(fetched!.Body, null), CancellationToken.None,
                async (stored, tx) =>
                {
                    await store.Sections.SetListEntriesAsync(tx, stored.PageId, entries);
                    await store.Frontier.CompleteAsync(tx, item.Url, new FrontierOutcome("done"), run.RunId, delta);
                });
            var sections = await seeder.QueueSectionsAsync(item, list.Sections, run, CancellationToken.None);
            Done(run, item.Url, "list", $"{list.Entries.Count} articles, {queued} new" + SectionsNote(sections),
                delta with { Discovered = queued });
            return;
        }
        if (fetched!.NotModified)
        {
            await RecordNotModifiedAsync(result, run);
            return;
        }
        if (result.IsStandingPage)
        {
            // A standing page (About, Overview) is kept as captures, checked again now and then, never an article.
            var delta = new RunCounts(Fetched: 1);
            await store.Captures.StorePreparedAsync(Capture(new Uri(item.Url), fetched, run) with { Site = item.Site }, result.BodyOnly!,
                CancellationToken.None, (_, tx) => store.Frontier.CompleteAsync(tx, item.Url,
                    new FrontierOutcome("done", clock.GetUtcNow() + RevisitSchedule.MaxBackoff), run.RunId, delta));
            var sections = await seeder.QueueSectionsAsync(item, result.Sections, run, CancellationToken.None);
            Done(run, item.Url, "standing", "a standing page, kept as a capture" + SectionsNote(sections), delta);
            return;
        }
        if (result.ContinuationOf is { } firstPage)
        {
            var delta = new RunCounts(Fetched: 1);
            await store.Captures.StorePreparedAsync(Capture(new Uri(item.Url), fetched, run) with { ContinuationOf = firstPage }, result.BodyOnly!,
                CancellationToken.None, (_, tx) => store.Frontier.CompleteAsync(tx, item.Url,
                    new FrontierOutcome("done", clock.GetUtcNow() + RevisitSchedule.MaxBackoff), run.RunId, delta));
            var queued = await seeder.QueueFirstPageAsync(item, firstPage, run, CancellationToken.None);
            Done(run, item.Url, "continuation", $"page of {firstPage}", delta with { Discovered = queued });
            return;
        }
        await RecordArticleAsync(result, run);
    }

    private async Task RecordFetchFailureAsync(FrontierItem item, FetchResult? fetched, CrawlError problem, RunState run)
    {
        var error = fetched?.Error;
        // A host without a sitemap is normal, not an error.
        if (item.Kind == FrontierKind.Sitemap && fetched?.StatusCode is 404 or 410 or 403 && error == FetchErrorKind.HttpStatus)
        {
            await store.Frontier.CompleteAsync(item.Url, new FrontierOutcome("skipped"), run.RunId, new RunCounts());
            Done(run, item.Url, "skipped", problem.Message, new RunCounts());
            return;
        }
        // A section the navigation links to that is not there is the site's broken link, not the crawl's failure: skipped,
        // with the answer kept in its frontier row (`sections` shows it), and tried again while pages link to it.
        if (item.Kind == FrontierKind.List && item.DiscoveredFrom is not null && fetched?.StatusCode is 404 or 410 && error == FetchErrorKind.HttpStatus)
        {
            await store.Frontier.CompleteAsync(item.Url, new FrontierOutcome("skipped", Note: problem.Message), run.RunId, new RunCounts());
            Done(run, item.Url, "skipped", $"{problem.Message} (a section link to a missing page)", new RunCounts());
            return;
        }
        // Honouring robots.txt is the crawl working as it should: the URL is skipped, not failed.
        if (error == FetchErrorKind.DisallowedByRobots)
        {
            await store.Frontier.CompleteAsync(item.Url, new FrontierOutcome("skipped", null, item.UnchangedCount), run.RunId, new RunCounts());
            Done(run, item.Url, "skipped", problem.Message, new RunCounts());
            return;
        }
        // robots.txt could not be had: the origin's one error says so (recorded here if its report has not come yet);
        // the URL was never tried, so it is due again at the next crawl.
        if (error == FetchErrorKind.RobotsUnreachable)
        {
            var robotsUrl = new Uri(new Uri(item.Url).GetLeftPart(UriPartial.Authority) + "/robots.txt");
            await ReportUnreachableAsync(robotsUrl, problem.Message.Replace("not fetched: ", "").Replace("; the host is closed for this run", ""), null, run);
            await store.Frontier.CompleteAsync(item.Url, new FrontierOutcome("failed", clock.GetUtcNow(), item.UnchangedCount), run.RunId, new RunCounts());
            Done(run, item.Url, "not-fetched", problem.Message, new RunCounts());
            return;
        }
        var delta = new RunCounts(Errors: 1);
        await store.Frontier.CompleteAsync(item.Url, Failed(item, problem), run.RunId, delta);
        Done(run, item.Url, "error", problem.Message, delta);
    }

    private async Task RecordNotModifiedAsync(WorkResult result, RunState run)
    {
        var item = result.Item;
        var fetched = result.Fetched!;
        var now = clock.GetUtcNow();
        if (item.Validators is null)
        {
            // Only an answer to a conditional GET can say "not modified": there is nothing here it could confirm.
            var error = new CrawlError("http", "304 Not Modified to a request without validators", 304);
            var failed = new RunCounts(Fetched: 1, Errors: 1);
            await store.Frontier.CompleteAsync(item.Url, Failed(item, error), run.RunId, failed);
            Done(run, item.Url, "error", error.Message, failed);
            return;
        }
        // Every check is a capture: page 1's 304 with its frontier row, and those of its continuation pages, in one transaction.
        var unchanged = item.UnchangedCount + 1;
        var published = await store.Frontier.GetPublishedAsync(item.Url);
        var outcome = new FrontierOutcome("done", RevisitSchedule.NextCheck(now, published, unchanged), unchanged);
        var delta = new RunCounts(Fetched: 1, Unchanged: 1);
        var siblings = result.Siblings.Select(s => new NotModifiedCapture(s.Url, s.Result.ETag, s.Result.LastModified, s.Result.RequestHead)).ToList();
        await store.Captures.StoreNotModifiedAsync(new Uri(item.Url), now, fetched.ETag, fetched.LastModified, run.RunId, CancellationToken.None,
            (_, tx) => store.Frontier.CompleteAsync(tx, item.Url, outcome, run.RunId, delta), siblings, fetched.RequestHead);
        Done(run, item.Url, "not-modified", null, delta);
    }

    private async Task RecordArticleAsync(WorkResult result, RunState run)
    {
        var item = result.Item;
        var now = clock.GetUtcNow();
        var prepared = result.Page!;
        var article = prepared.Article!;
        var publishedDate = DateOnly.TryParse(article.Published, out var p) ? p : (DateOnly?)null;
        // Page 1 and its continuation pages are one transaction: a kill between them cannot leave the siblings stored
        // without page 1's frontier row done (the next crawl would fetch and capture them again).
        var continuations = result.Siblings
            .Select(s => (Capture(s.Url, s.Result, run) with { ContinuationOf = new Uri(item.Url) }, s.Prepared!))
            .ToList();
        RunCounts? counted = null;
        var stored = await store.Captures.StorePreparedAsync(Capture(new Uri(item.Url), result.Fetched!, run), prepared, CancellationToken.None, (stored, tx) =>
        {
            var unchanged = stored.RevisionAdded ? 0 : item.UnchangedCount + 1;
            counted = CountsOf(stored, article);
            var outcome = new FrontierOutcome("done", RevisitSchedule.NextCheck(now, publishedDate, unchanged), unchanged);
            return store.Frontier.CompleteAsync(tx, item.Url, outcome, run.RunId, counted);
        }, continuations);
        var kind = !stored.RevisionAdded ? "unchanged" : stored.RevisionNumber == 1 ? "new" : "changed";
        if (kind == "changed") run.Changed++;
        var sections = await seeder.QueueSectionsAsync(item, result.Sections, run, CancellationToken.None);
        Done(run, item.Url, kind, (stored.RevisionNumber is { } n ? $"revision {n}, {article.Extractor}" : article.Extractor)
            + (stored.Alias is not null ? $", page {stored.Url}" : "") + SectionsNote(sections), counted!);
    }

    private static string SectionsNote(int sections) => sections switch { 0 => "", 1 => "; 1 new section", _ => $"; {sections} new sections" };

    /// <summary>What storing one article page adds to the run's counters.</summary>
    private static RunCounts CountsOf(StoreResult stored, Article article) => new(
        Fetched: 1,
        Unchanged: stored.RevisionAdded ? 0 : 1,
        NewPages: stored.RevisionAdded && stored.RevisionNumber == 1 ? 1 : 0,
        NewRevisions: stored.RevisionAdded ? 1 : 0,
        // The site's rules missed and the generic extractor took over: template drift to look at.
        GenericFallbacks: article.Site is not null && article.Extractor == ArticleExtractor.GenericName ? 1 : 0,
        // Some selector missed a field the page shows (found by the anatomy or the generic extractor).
        SelectorMisses: article.SelectorMisses.Count > 0 ? 1 : 0);

    private FrontierOutcome Failed(FrontierItem item, CrawlError error) =>
        new("failed", clock.GetUtcNow() + RevisitSchedule.FirstBackoff, item.UnchangedCount, error);

    private PageCapture Capture(Uri url, FetchResult fetched, RunState run) =>
        new(url, clock.GetUtcNow(), fetched.Body, CaptureOrigin.Fetch)
        {
            HttpStatus = fetched.StatusCode,
            ETag = fetched.ETag,
            LastModified = fetched.LastModified,
            ContentType = fetched.ContentType,
            RunId = run.RunId,
            RequestHead = fetched.RequestHead,
            // Stored with the page, so that reextract reads it with the same site's rules.
            Site = seeder.SiteOf(url),
        };

    private static void Done(RunState run, string url, string outcome, string? detail, RunCounts delta, bool remainingDone = true)
    {
        if (remainingDone && run.Remaining > 0) run.Remaining--;
        run.Report(url, outcome, detail, delta);
    }

    /// <summary>The archive itself failed (disk full, read-only, corrupt, locked): nothing more can be recorded.</summary>
    public static bool IsArchiveFailure(Exception e) => e is ArchiveException { Failure: not ArchiveFailure.NotFound };
}
