using Scraper.Archive;

namespace Scraper.Crawling;

/// <summary>A section of a site as <c>scraper sections</c> shows it.</summary>
/// <param name="Name">The section's name (<c>bizupdates</c>): its list's file name without page number and extension.</param>
/// <param name="Url">Its list's first page.</param>
/// <param name="ListPages">How many of its list pages were read.</param>
/// <param name="Articles">The distinct articles its list pages offered when last read.</param>
/// <param name="Archived">How many of those the archive holds with an article.</param>
/// <param name="Newest">Of those, the one published last.</param>
/// <param name="LastRead">When one of its list pages was last read; null if never.</param>
/// <param name="State"><c>read</c>; <c>queued</c> (found, not read yet); <c>missing</c> (its page was not there, see <see cref="Note"/>).</param>
public sealed record SectionSummary(
    string? Site, string Name, string Url, int ListPages, int Articles, int Archived, ListedArticle? Newest, DateTimeOffset? LastRead,
    string State, string? Note);

/// <summary>The sections of the archive, from its list pages: a section is all the list pages of one list (<c>/news.html</c>, <c>/news_2.html</c>…).</summary>
public static class SectionReport
{
    public static async Task<IReadOnlyList<SectionSummary>> ReadAsync(ArchiveStore store, string? site, CancellationToken cancellationToken)
    {
        var lists = await store.Sections.ListListPagesAsync(cancellationToken);
        return Summarize(lists, store.Identity, site);
    }

    public static IReadOnlyList<SectionSummary> Summarize(IReadOnlyList<ListPageState> lists, PageIdentity identity, string? site)
    {
        var sections = new List<SectionSummary>();
        var groups = lists
            .Where(l => site is null || string.Equals(l.Site, site, StringComparison.OrdinalIgnoreCase))
            .GroupBy(l => identity.Key(CanonicalUrl.Normalize(ListPageReader.FirstPageOf(new Uri(l.Url)))), StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var pages = group.ToList();
            var read = pages.Where(p => p.PageId is not null).ToList();
            var first = new Uri(identity.Canonical(CanonicalUrl.Normalize(ListPageReader.FirstPageOf(new Uri((read.FirstOrDefault() ?? pages[0]).Url)))));
            var articles = read.SelectMany(p => p.Entries).GroupBy(e => e.Key, StringComparer.Ordinal).Select(g => g.First()).ToList();
            var archived = articles.Where(a => a.PageId is not null).ToList();
            var newest = archived.OrderByDescending(a => a.Published, StringComparer.Ordinal).ThenByDescending(a => a.PageId).FirstOrDefault();
            var lastRead = read.Max(p => p.LastRead);
            // Never read: its first page's frontier row says why (queued, or not there).
            var firstRow = pages.FirstOrDefault(p => identity.Key(CanonicalUrl.Normalize(new Uri(p.Url))) == identity.Key(first.AbsoluteUri)) ?? pages[0];
            var state = read.Count > 0 ? "read" : firstRow.FrontierState is "skipped" or "failed" ? "missing" : "queued";
            sections.Add(new SectionSummary(pages.Select(p => p.Site).FirstOrDefault(s => s is not null), ListPageReader.SectionName(first), first.AbsoluteUri,
                read.Count, articles.Count, archived.Count, newest, lastRead, state, state == "read" ? null : firstRow.FrontierNote));
        }
        return sections.OrderBy(s => s.Site, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Url, StringComparer.Ordinal).ToList();
    }
}
