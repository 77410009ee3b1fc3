using Scraper.Archive;
using Scraper.Fetching;
using Scraper.Sites;

namespace Scraper.Crawling;

/// <summary>
/// What a pass fetches: at its start, the start lists, the sections earlier crawls found, the sitemaps of every origin in
/// scope (robots.txt's <c>Sitemap:</c> lines and <c>/sitemap.xml</c>) and the archived pages due for a check; during it,
/// the articles and further pages that each list page and sitemap offers, and every section a fetched page links to
/// (<see cref="ListPageReader.ReadSections"/>), each with its pagination. Only this class decides what is queued.
/// A page is queued once whichever of its spellings it is met under (<see cref="PageIdentity"/>); the others are kept
/// as its aliases.
/// </summary>
internal sealed class CrawlSeeder(ArchiveStore store, Downloader downloader, CrawlOptions options, SiteCatalog sites, HostScope scope)
{
    /// <summary>A new pass. Throws <see cref="OperationCanceledException"/> when stopped (robots.txt fetches are cancelled).</summary>
    public async Task SeedAsync(RunState run, CancellationToken stop)
    {
        var lists = options.StartUrls.Select(u => new FrontierEntry(CanonicalUrl.Normalize(u), KindOfStart(u), SiteOf(u), null)).ToList();
        foreach (var list in lists.Where(l => l.Kind == FrontierKind.List))
            run.QueuedSections.Add(store.Identity.Key(list.Url));
        // The sections earlier crawls found (through any page's navigation or crumb) are read again, as the start lists are.
        lists.AddRange(await KnownSectionsAsync(run));
        run.Remaining += await store.Frontier.QueueAsync(lists, run.Pass, QueueMode.Again, run.RunId, CancellationToken.None);
        if (options.Sitemaps)
        {
            var sitemaps = new List<FrontierEntry>();
            foreach (var root in SitemapRoots())
            {
                stop.ThrowIfCancellationRequested();
                var robots = await downloader.GetRobotsAsync(root, scope, stop);
                foreach (var sitemap in robots.Sitemaps.Select(s => Uri.TryCreate(root, s, out var u) ? u : null).OfType<Uri>()
                             .Append(new Uri(root, "/sitemap.xml")).Where(scope.Contains))
                    sitemaps.Add(new FrontierEntry(CanonicalUrl.Normalize(sitemap), FrontierKind.Sitemap, SiteOf(sitemap), null));
            }
            run.Remaining += await store.Frontier.QueueAsync(sitemaps.DistinctBy(s => s.Url), run.Pass, QueueMode.Again, run.RunId, CancellationToken.None);
        }
        run.Remaining += await store.Frontier.QueueRevisitsAsync(run.Pass, options.Revisit, options.Sites.Select(s => s.Site).ToList(), CancellationToken.None);
    }

    /// <summary>Queues a list page's new articles, and its other pages unless it offers nothing new; returns the articles queued.</summary>
    public async Task<int> QueueFromListAsync(FrontierItem item, ListPage list, RunState run, CancellationToken cancellationToken)
    {
        var fresh = new List<FrontierEntry>();
        var archived = new List<string>();
        foreach (var entry in list.Entries)
        {
            if (options.Since is { } since && entry.Date < since) continue;
            var canonical = CanonicalUrl.Normalize(entry.Url);
            if (!await store.Frontier.IsArchivedAsync(canonical, cancellationToken))
                fresh.Add(new FrontierEntry(canonical, FrontierKind.Page, item.Site ?? SiteOf(entry.Url), item.Url));
            else
                archived.Add(canonical);
        }
        // An archived page linked under another spelling is not fetched again: the spelling is one of its aliases.
        await store.Pages.AddLinkedAliasesAsync(archived, cancellationToken);
        var queued = await store.Frontier.QueueAsync(fresh, run.Pass, QueueMode.UnlessArchived, run.RunId, cancellationToken);
        run.Remaining += queued;
        // A re-crawl stops paging a section at a list page that offers nothing new (all archived, or older than --since).
        if (fresh.Count > 0 || list.Entries.Count == 0 && list.Pages.Count > 0)
        {
            var pages = list.Pages.Select(p => new FrontierEntry(CanonicalUrl.Normalize(p), FrontierKind.List, item.Site, item.Url));
            run.Remaining += await store.Frontier.QueueAsync(pages, run.Pass, QueueMode.Again, run.RunId, cancellationToken);
        }
        return queued;
    }

    /// <summary>
    /// Queues the sections a fetched page links to, each from its first page and once per run, unless <c>--sections</c>
    /// names others; returns the lists queued.
    /// </summary>
    public async Task<int> QueueSectionsAsync(FrontierItem item, IReadOnlyList<Uri> sections, RunState run, CancellationToken cancellationToken)
    {
        var fresh = new List<FrontierEntry>();
        foreach (var section in sections)
        {
            // Every article of a site links its whole navigation: a link met before this run is done with at once.
            if (!run.SectionLinks.Add(section.AbsoluteUri) || !IsWanted(section)) continue;
            var canonical = CanonicalUrl.Normalize(section);
            if (run.QueuedSections.Add(store.Identity.Key(canonical)))
                fresh.Add(new FrontierEntry(canonical, FrontierKind.List, SiteOf(section) ?? item.Site, item.Url));
        }
        var queued = await store.Frontier.QueueAsync(fresh, run.Pass, QueueMode.Again, run.RunId, cancellationToken);
        run.Remaining += queued;
        return queued;
    }

    /// <summary>
    /// The first pages of the sections earlier crawls read (frontier list rows), in scope, of the crawled sites, neither
    /// excluded by their rules nor left out by <c>--sections</c>.
    /// </summary>
    private async Task<List<FrontierEntry>> KnownSectionsAsync(RunState run)
    {
        var known = new List<FrontierEntry>();
        var crawled = options.Sites.Select(s => s.Site).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (url, site) in await store.Frontier.ListFrontierListsAsync(CancellationToken.None))
        {
            if (site is null || !crawled.Contains(site) || !Uri.TryCreate(url, UriKind.Absolute, out var list) || !scope.Contains(list)) continue;
            if (ListPageReader.FirstPageOf(list) != list || !IsWanted(list)) continue;
            if (sites.Find(site) is { } rule && rule.IsExcludedSection(ListPageReader.SectionName(list))) continue;
            if (run.QueuedSections.Add(store.Identity.Key(url)))
                known.Add(new FrontierEntry(url, FrontierKind.List, site, null));
        }
        return known;
    }

    private bool IsWanted(Uri section) => options.SectionNames is not { } names || names.Contains(ListPageReader.SectionName(section));

    /// <summary>Queues a sitemap's pages not yet archived and its nested sitemaps; returns the pages queued.</summary>
    public async Task<int> QueueFromSitemapAsync(FrontierItem item, Sitemap sitemap, RunState run, CancellationToken cancellationToken)
    {
        var pages = new List<FrontierEntry>();
        var sections = new List<Uri>();
        foreach (var entry in sitemap.Pages.Where(e => scope.Contains(e.Url)))
        {
            // A section's list page is read as the section it is (from its first page, once); any other page is archived.
            if (sites.Match(entry.Url) is { } rule && rule.IsListUrl(entry.Url) && !rule.IsArticle(entry.Url)
                && !rule.IsExcludedSection(ListPageReader.SectionName(entry.Url)))
            {
                sections.Add(ListPageReader.FirstPageOf(entry.Url));
                continue;
            }
            if (options.Since is { } since && entry.LastModified is { } modified && DateOnly.FromDateTime(modified.UtcDateTime) < since)
                continue;
            var canonical = CanonicalUrl.Normalize(entry.Url);
            if (!await store.Frontier.IsArchivedAsync(canonical, cancellationToken))
                pages.Add(new FrontierEntry(canonical, FrontierKind.Page, SiteOf(entry.Url), item.Url));
        }
        var queued = await store.Frontier.QueueAsync(pages, run.Pass, QueueMode.UnlessArchived, run.RunId, cancellationToken);
        var nested = sitemap.Sitemaps.Where(scope.Contains).Select(s => new FrontierEntry(CanonicalUrl.Normalize(s), FrontierKind.Sitemap, SiteOf(s), item.Url));
        run.Remaining += queued + await store.Frontier.QueueAsync(nested, run.Pass, QueueMode.Again, run.RunId, cancellationToken);
        await QueueSectionsAsync(item, sections, run, cancellationToken);
        return queued;
    }

    /// <summary>Page 1 of a continuation page reached on its own, unless archived; returns 1 if queued.</summary>
    public async Task<int> QueueFirstPageAsync(FrontierItem item, Uri firstPage, RunState run, CancellationToken cancellationToken)
    {
        var queued = await store.Frontier.QueueAsync([new FrontierEntry(CanonicalUrl.Normalize(firstPage), FrontierKind.Page, item.Site, item.Url)],
            run.Pass, QueueMode.UnlessArchived, run.RunId, cancellationToken);
        run.Remaining += queued;
        return queued;
    }

    /// <summary>One root per origin in scope, with the scheme its start URLs use (https for the sites' own hosts).</summary>
    private IEnumerable<Uri> SitemapRoots()
    {
        var starts = options.StartUrls.GroupBy(u => u.Authority, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        foreach (var start in starts.Values) yield return new Uri(start.GetLeftPart(UriPartial.Authority) + "/");
        foreach (var host in options.Sites.SelectMany(s => s.Hosts).Where(h => !h.Contains('/')))
            if (!starts.Keys.Any(k => k.Split(':')[0].Equals(host, StringComparison.OrdinalIgnoreCase)))
                yield return new Uri($"https://{host}/");
    }

    private FrontierKind KindOfStart(Uri url) =>
        sites.Match(url) is { } rule && rule.IsArticle(url) ? FrontierKind.Page : FrontierKind.List;

    /// <summary>The site whose rules apply to a URL; null for a host no site claims.</summary>
    public string? SiteOf(Uri url) => sites.Match(url)?.Site;
}
