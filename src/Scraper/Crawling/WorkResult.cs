using Scraper.Archive;
using Scraper.Fetching;

namespace Scraper.Crawling;

/// <summary>
/// A fetch worker's answer for one frontier row: always a value, whatever happened (Scrapy's "every outcome of a request
/// is a value"). Exactly one of these holds: <see cref="Cancelled"/> (the crawl was stopped while it was in flight);
/// <see cref="Problem"/> (it failed, with the reason to record); or <see cref="Fetched"/> with what the page turned
/// out to be (a list, a sitemap, an article page ready to store, a continuation page, a 304).
/// </summary>
internal sealed record WorkResult(FrontierItem Item)
{
    /// <summary>The fetch of the row's URL; null when the failure came before any answer (or the work was cancelled).</summary>
    public FetchResult? Fetched { get; init; }

    /// <summary>Why the row failed: a fetch error, content that could not be read, or an unexpected exception.</summary>
    public CrawlError? Problem { get; init; }

    /// <summary>The stop came while this row was in flight: it goes back to pending for the next crawl.</summary>
    public bool Cancelled { get; init; }

    public ListPage? List { get; init; }
    public Sitemap? Sitemap { get; init; }

    /// <summary>An article page's body and article, ready to store.</summary>
    public PreparedPage? Page { get; init; }

    /// <summary>A page whose body is kept without an article (no article text was found): a capture only.</summary>
    public PreparedPage? BodyOnly { get; init; }

    /// <summary>A standing page (About, Overview): its body is kept as a capture, with no article (<see cref="BodyOnly"/>).</summary>
    public bool IsStandingPage { get; init; }

    /// <summary>For a continuation page reached on its own: page 1's URL.</summary>
    public Uri? ContinuationOf { get; init; }

    /// <summary>The sections an article page links to (its navigation and crumb): queued like those of a list page.</summary>
    public IReadOnlyList<Uri> Sections { get; init; } = [];

    /// <summary>Page 1's continuation pages as fetched with it (304s when page 1 was a 304), stored with page 1.</summary>
    public IReadOnlyList<SiblingFetch> Siblings { get; init; } = [];

    public static WorkResult Failed(FrontierItem item, FetchResult? fetched, CrawlError problem) => new(item) { Fetched = fetched, Problem = problem };
}

/// <summary>A continuation page fetched with its page 1; <see cref="Prepared"/> is null for a 304.</summary>
internal sealed record SiblingFetch(Uri Url, FetchResult Result, PreparedPage? Prepared);

/// <summary>What one run has done so far: its record in the archive, running totals for progress events, and the
/// origins whose unreachable robots.txt has been recorded as an error.</summary>
internal sealed class RunState(CrawlStart start, IProgress<CrawlEvent>? progress, TimeProvider clock)
{
    private readonly long _started = clock.GetTimestamp();
    private RunCounts _totals = new();

    public CrawlStart Start { get; } = start;
    public long RunId => Start.RunId;
    public int Pass => Start.Pass;

    public IReadOnlyCollection<string>? Sites => Start.Sites;
    public int Changed { get; set; }

    /// <summary>Rows of this pass still to do (pending or in flight), for the progress display's estimate.</summary>
    public int Remaining { get; set; } = start.Pending;

    public HashSet<string> ReportedRobotsOrigins { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The sections queued this run (by page key): a section linked from every page is queued once.</summary>
    public HashSet<string> QueuedSections { get; } = new(StringComparer.Ordinal);

    /// <summary>The section links (as pages gave them) met this run, so each is looked at once.</summary>
    public HashSet<string> SectionLinks { get; } = new(StringComparer.Ordinal);

    public TimeSpan Elapsed => clock.GetElapsedTime(_started);

    public void Report(string url, string outcome, string? detail, RunCounts delta)
    {
        _totals += delta;
        progress?.Report(new CrawlEvent(url, outcome, detail, _totals, Changed, Elapsed) { Remaining = Remaining });
    }
}
