namespace Scraper.Archive;

/// <summary>A section list page the archive knows: read (a list page with captures), or queued by a crawl and not read yet.</summary>
/// <param name="PageId">The list page; null when it was never read.</param>
/// <param name="Url">Its canonical URL (or, never read, the URL the crawl queued).</param>
/// <param name="LastRead">Its newest capture.</param>
/// <param name="FrontierState">Its crawl frontier row's state (<c>done</c>, <c>pending</c>, <c>skipped</c>…), if it has one.</param>
/// <param name="FrontierNote">Why that row ended as it did (<c>HTTP 404</c> for a section the navigation links to in vain).</param>
/// <param name="Entries">The articles it listed when last read.</param>
public sealed record ListPageState(
    long? PageId, string Url, string? Site, DateTimeOffset? LastRead, string? FrontierState, string? FrontierNote, IReadOnlyList<ListedArticle> Entries);

/// <summary>An article link of a list page, with the archived page it is (any spelling of it), if archived.</summary>
/// <param name="Key">The page's identity (<see cref="PageIdentity.Key(string)"/>): one article however it is spelled.</param>
/// <param name="PageId">The archived page with an article, or null.</param>
public sealed record ListedArticle(string Key, string Url, long? PageId, string? Title, string? Published);

/// <summary>The section list pages: the article links each offered when last read; what `scraper sections` reads. Plain SQL.</summary>
public sealed class SectionLists : ArchiveRole
{
    internal SectionLists(ArchiveDatabase database) : base(database)
    {
    }

    /// <summary>In a list page's transaction: the article links it offers now replace those of its previous read.</summary>
    public async Task SetListEntriesAsync(ArchiveTransaction transaction, long listPageId, IReadOnlyCollection<string> urls)
    {
        Database.EnsureCurrent(transaction);
        var cancellationToken = transaction.CancellationToken;
        await ExecuteAsync("DELETE FROM list_entries WHERE list_page_id = $page", cancellationToken, ("$page", listPageId));
        foreach (var url in urls.Distinct(StringComparer.Ordinal))
            await ExecuteAsync("INSERT INTO list_entries (list_page_id, url) VALUES ($page, $url) ON CONFLICT DO NOTHING", cancellationToken, ("$page", listPageId), ("$url", url));
    }

    /// <summary>
    /// Every section list page: those read (pages of kind list, with their links resolved to archived articles) and those
    /// a crawl queued but did not read (frontier list rows of no list page), each once whatever its spelling.
    /// </summary>
    public async Task<IReadOnlyList<ListPageState>> ListListPagesAsync(CancellationToken cancellationToken = default) =>
        await GuardAsync(async () =>
        {
            // Articles by key, to resolve links in memory: one pass over the pages instead of a lookup per link.
            var articles = new Dictionary<string, (long Id, string Url, string? Title, string? Published)>(StringComparer.Ordinal);
            var select = Command(
                """
                SELECT p.id, p.url, p.key, r.title, r.published FROM pages p JOIN revisions r ON r.id = p.latest_revision_id
                WHERE p.key IS NOT NULL
                UNION ALL
                SELECT p.id, p.url, a.key, r.title, r.published FROM page_aliases a JOIN pages p ON p.id = a.page_id
                JOIN revisions r ON r.id = p.latest_revision_id
                """);
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    articles.TryAdd(reader.GetString(2), (reader.GetInt64(0), reader.GetString(1), StringOrNull(reader, 3), StringOrNull(reader, 4)));

            var entries = new Dictionary<long, List<ListedArticle>>();
            select = Command("SELECT list_page_id, url FROM list_entries ORDER BY list_page_id, url");
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var url = reader.GetString(1);
                    var key = Identity.Key(url);
                    var found = articles.TryGetValue(key, out var article);
                    if (!entries.TryGetValue(reader.GetInt64(0), out var list)) entries[reader.GetInt64(0)] = list = [];
                    list.Add(found
                        ? new ListedArticle(key, article.Url, article.Id, article.Title, article.Published)
                        : new ListedArticle(key, url, null, null, null));
                }
            }

            // The frontier row of a list page may spell it otherwise (fetched under a mirror host): matched by key.
            var frontier = new Dictionary<string, (string Url, string? Site, string? State, string? Note)>(StringComparer.Ordinal);
            select = Command("SELECT url, site, state, last_error FROM frontier WHERE kind = 'list' ORDER BY discovered_at, url");
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    frontier.TryAdd(Identity.Key(reader.GetString(0)), (reader.GetString(0), StringOrNull(reader, 1), reader.GetString(2), StringOrNull(reader, 3)));

            var lists = new List<ListPageState>();
            select = Command(
                """
                SELECT p.id, p.url, p.key, p.site, (SELECT max(captured_at) FROM captures WHERE page_id = p.id)
                FROM pages p WHERE p.kind = 'list' ORDER BY p.id
                """);
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var key = StringOrNull(reader, 2) ?? Identity.Key(reader.GetString(1));
                    var row = frontier.Remove(key, out var found) ? found : default;
                    lists.Add(new ListPageState(reader.GetInt64(0), reader.GetString(1), StringOrNull(reader, 3) ?? row.Site, ParseTimeOrNull(reader, 4),
                        row.State, row.Note, entries.GetValueOrDefault(reader.GetInt64(0)) ?? []));
                }
            }
            foreach (var (_, row) in frontier)
                lists.Add(new ListPageState(null, row.Url, row.Site, null, row.State, row.Note, []));
            return (IReadOnlyList<ListPageState>)lists;
        });
}
