using Scraper.Archive;
using Scraper.Diffing;

namespace Scraper.Watching;

/// <summary>What the report covers and how much of each list it shows.</summary>
/// <param name="Since">The window's start: articles published, revisions first seen, captures made and runs started from then on; null for all.</param>
/// <param name="Site">One site family, or null for both (runs are of the whole crawl either way).</param>
/// <param name="MostRevised">How many of the most revised articles to list.</param>
/// <param name="Labels">How many sources and sections to list.</param>
/// <param name="RecentRuns">How many runs the table lists (the charts show them all).</param>
public sealed record ReportOptions(
    DateTimeOffset? Since = null,
    string? Site = null,
    int MostRevised = 15,
    int ChangesPerArticle = 6,
    int Labels = 12,
    int RecentRuns = 15);

/// <summary>One change of a much-revised article: the revision it brought and what changed from the one before.</summary>
public sealed record RevisionStep(int Revision, DateTimeOffset FirstSeen, string Summary);

/// <summary>A much-revised article with its latest changes (the window's last <see cref="ReportOptions.ChangesPerArticle"/>).</summary>
public sealed record RevisedArticle(RevisedPage Page, IReadOnlyList<RevisionStep> Steps);

/// <summary>A count in one month (<c>yyyy-MM</c>) of one series (a site, a kind of revision).</summary>
public sealed record MonthlyCount(string Month, string Series, long Count);

/// <summary>A count under a label (a source, a section); a null label counts the articles without one.</summary>
public sealed record LabelCount(string? Label, long Count);

/// <summary>A page and how many revisions it has, and gained in the window.</summary>
/// <param name="Changes">Revisions after the first one, first seen in the window.</param>
public sealed record RevisedPage(long PageId, string Url, string? Site, string? Title, int Revisions, int Changes);

/// <summary>The archive's size for the report's header, within its window and site.</summary>
/// <param name="Articles">Article pages (published in the window, when it is given).</param>
/// <param name="Undated">Of those, the ones without a readable published date (left out of the monthly chart).</param>
/// <param name="Revisions">Revisions first seen in the window.</param>
public sealed record ReportTotals(long Articles, long Undated, long Revisions, long Captures, DateTimeOffset? FirstCapture, DateTimeOffset? LastCapture);

/// <summary>Everything <c>scraper report</c> shows, read from the archive in one pass over the revisions and a few small queries.</summary>
public sealed record ArchiveReport(
    string ArchiveName,
    DateTimeOffset GeneratedAt,
    ReportOptions Options,
    ReportTotals Totals,
    IReadOnlyList<MonthlyCount> Published,
    IReadOnlyList<MonthlyCount> Revisions,
    IReadOnlyList<RevisedArticle> MostRevised,
    IReadOnlyList<LabelCount> Sources,
    long SourceCount,
    IReadOnlyList<LabelCount> Sections,
    long SectionCount,
    IReadOnlyList<RunRecord> Runs)
{
    /// <summary>
    /// Reads the report. Articles are pages by their current revision, in the window when it was published in it (an
    /// undated article then falls outside); revisions count when they were first captured in the window.
    /// </summary>
    public static async Task<ArchiveReport> ReadAsync(ArchiveStore store, ReportOptions options, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var (since, site) = (options.Since, options.Site);
        var counts = new Counts(since);
        await foreach (var fact in store.Changes.ReadRevisionFactsAsync(site, cancellationToken))
            counts.Add(fact);

        var mostRevised = new List<RevisedArticle>();
        foreach (var (pageId, changes) in counts.ChangesByPage.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(options.MostRevised))
        {
            var history = await store.Reader.GetHistoryAsync(pageId, cancellationToken);
            var url = (await store.Reader.FindPageAsync(pageId.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken))!.Url;
            var page = new RevisedPage(pageId, url, counts.SiteOfPage[pageId], history.LastOrDefault(r => r.IsLatest)?.Title ?? history[^1].Title,
                history.Count, changes);
            mostRevised.Add(new RevisedArticle(page, await StepsAsync(store, page, history, options, cancellationToken)));
        }
        var captures = await store.Changes.CountCapturesAsync(since, site, cancellationToken);
        return new ArchiveReport(
            Path.GetFileName(store.Path),
            now,
            options,
            new ReportTotals(counts.Articles, counts.Undated, counts.Revisions, captures.Captures, captures.First, captures.Last),
            Monthly(counts.Published),
            Monthly(counts.RevisionsByMonth),
            mostRevised,
            Top(counts.Sources, options.Labels),
            counts.Sources.Count,
            Top(counts.Sections, options.Labels),
            counts.Sections.Count,
            await store.Runs.ListRunsSinceAsync(since, cancellationToken));
    }

    /// <summary>The page's latest revisions in the window, each diffed against the revision numbered before it.</summary>
    private static async Task<IReadOnlyList<RevisionStep>> StepsAsync(ArchiveStore store, RevisedPage page, IReadOnlyList<RevisionSummary> history,
        ReportOptions options, CancellationToken cancellationToken)
    {
        var steps = new List<RevisionStep>();
        foreach (var revision in history.Where(r => r.Number > 1 && (options.Since is not { } since || r.FirstSeen >= since)).TakeLast(options.ChangesPerArticle))
        {
            var before = await store.Reader.GetArticleAsync(page.PageId, revision.Number - 1, cancellationToken);
            var after = await store.Reader.GetArticleAsync(page.PageId, revision.Number, cancellationToken);
            var summary = before is null || after is null ? "changed"
                : ArticleDiff.Compare(before.Article, after.Article) is { IsEmpty: false } diff ? diff.Summary()
                : "changed in details the diff does not show";
            steps.Add(new RevisionStep(revision.Number, revision.FirstSeen, summary));
        }
        return steps;
    }

    private static List<MonthlyCount> Monthly(Dictionary<(string Month, string Series), long> counts) =>
        counts.Select(c => new MonthlyCount(c.Key.Month, c.Key.Series, c.Value)).OrderBy(c => c.Month, StringComparer.Ordinal)
            .ThenBy(c => c.Series, StringComparer.Ordinal).ToList();

    /// <summary>The largest counts first (ties by label; no label first), at most <paramref name="limit"/>.</summary>
    private static List<LabelCount> Top(Dictionary<string, long> counts, int limit) =>
        counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(limit)
            .Select(c => new LabelCount(c.Key.Length == 0 ? null : c.Key, c.Value)).ToList();

    /// <summary>The report's counts, made as the revisions stream past.</summary>
    private sealed class Counts(DateTimeOffset? since)
    {
        private readonly string? _sinceTime = since is { } s ? ArchiveTime.Format(s) : null;
        private readonly string? _sinceDay = since?.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        public long Articles { get; private set; }
        public long Undated { get; private set; }
        public long Revisions { get; private set; }
        public Dictionary<(string Month, string Series), long> Published { get; } = [];
        public Dictionary<(string Month, string Series), long> RevisionsByMonth { get; } = [];
        /// <summary>By label; the empty string stands for none.</summary>
        public Dictionary<string, long> Sources { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> Sections { get; } = new(StringComparer.Ordinal);
        public Dictionary<long, int> ChangesByPage { get; } = [];
        public Dictionary<long, string?> SiteOfPage { get; } = [];

        public void Add(RevisionFact fact)
        {
            if (fact.IsLatest && PublishedInWindow(fact.Published))
            {
                Articles++;
                Increment(Sources, fact.Source?.Trim() ?? "");
                Increment(Sections, fact.Section?.Trim() ?? "");
                if (IsoMonth(fact.Published) is { } month) Increment(Published, (month, fact.Site ?? "(other)"));
                else Undated++;
            }
            if (_sinceTime is null || string.CompareOrdinal(fact.FirstSeen, _sinceTime) >= 0)
            {
                Revisions++;
                Increment(RevisionsByMonth, (fact.FirstSeen[..7], fact.Number == 1 ? "new" : "changed"));
                if (fact.Number > 1)
                {
                    ChangesByPage[fact.PageId] = ChangesByPage.GetValueOrDefault(fact.PageId) + 1;
                    SiteOfPage[fact.PageId] = fact.Site;
                }
            }
        }

        /// <summary>Published dates are ISO dates, compared as text with the window's first day; an undated article is outside any window.</summary>
        private bool PublishedInWindow(string? published) =>
            _sinceDay is null || published is not null && string.CompareOrdinal(published.Length > 10 ? published[..10] : published, _sinceDay) >= 0;

        /// <summary><c>yyyy-MM</c> of an ISO date, or null for a date the extractor could not read.</summary>
        private static string? IsoMonth(string? published) =>
            published is { Length: >= 7 } p && char.IsAsciiDigit(p[0]) && char.IsAsciiDigit(p[1]) && char.IsAsciiDigit(p[2]) && char.IsAsciiDigit(p[3])
            && p[4] == '-' && p[5] is '0' or '1' && char.IsAsciiDigit(p[6]) ? p[..7] : null;

        private static void Increment<TKey>(Dictionary<TKey, long> counts, TKey key) where TKey : notnull =>
            counts[key] = counts.GetValueOrDefault(key) + 1;
    }
}
