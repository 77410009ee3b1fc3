using Scraper.Archive;
using Scraper.Sites;

namespace Scraper.Crawling;

/// <summary>What one crawl does; the CLI builds it from <c>scraper crawl</c>'s options.</summary>
public sealed record CrawlOptions
{
    /// <summary>The rules of the crawled sites. With <c>--start</c>, their hosts are the start URLs' hosts.</summary>
    public required IReadOnlyList<SiteRule> Sites { get; init; }
    /// <summary>Section list pages (or single pages) the pass starts from.</summary>
    public required IReadOnlyList<Uri> StartUrls { get; init; }
    /// <summary>Articles the lists date before this are not fetched, and paging stops at them.</summary>
    public DateOnly? Since { get; init; }
    /// <summary>Stop after fetching this many pages; the rest stays queued for the next crawl.</summary>
    public int? MaxPages { get; init; }
    public RevisitMode Revisit { get; init; } = RevisitMode.Due;
    /// <summary>Fetches in flight at once (across hosts: each host still gets one request at a time by default).</summary>
    public int Concurrency { get; init; } = 4;
    /// <summary>Download each figure's image once, by sha256.</summary>
    public bool Images { get; init; }
    /// <summary>Read robots.txt's Sitemap lines and /sitemap.xml of every host in scope.</summary>
    public bool Sitemaps { get; init; } = true;
    /// <summary>
    /// The sections (<see cref="ListPageReader.SectionName"/>) the crawl is narrowed to (<c>--sections</c>); null for every
    /// section the sites' pages link to.
    /// </summary>
    public IReadOnlySet<string>? SectionNames { get; init; }
    /// <summary>The longest one page's extraction may take; past it the page is an error and the crawl goes on.</summary>
    public TimeSpan ExtractionBudget { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>The bytes of pages extracted at once, whatever the concurrency (fetches go on meanwhile): extraction takes
    /// many times a page's size, so pages near the 10 MB download limit are read one at a time.</summary>
    public long ExtractionMemory { get; init; } = 12L * 1024 * 1024;
}

/// <summary>How a crawl ended.</summary>
public sealed record CrawlSummary(long RunId, string Status, bool Resumed, RunCounts Counts, int Changed, TimeSpan Elapsed, int Pending)
{
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset EndedAt { get; init; }

    public double PagesPerSecond => Elapsed.TotalSeconds > 0 ? Counts.Fetched / Elapsed.TotalSeconds : 0;
}

/// <summary>One thing the crawl did, for the progress display and log lines.</summary>
/// <param name="Outcome">new, changed, unchanged, not-modified, error, list, sitemap, continuation, standing, image, skipped,
/// not-fetched (its host's robots.txt could not be had)</param>
public sealed record CrawlEvent(string Url, string Outcome, string? Detail, RunCounts Totals, int Changed, TimeSpan Elapsed)
{
    /// <summary>Rows of the pass still to do (queued or in flight), for an estimate of the time left.</summary>
    public int Remaining { get; init; }
}
