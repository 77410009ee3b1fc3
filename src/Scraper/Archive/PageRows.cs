using System.Data.Common;

namespace Scraper.Archive;

/// <summary>
/// Page identity: every URL is resolved to its page by <see cref="PageIdentity"/> (http and https, the hosts the rules say
/// serve the same paths, a page's canonical link), the other spellings kept as aliases; pages that turn out to be one are
/// merged, whole: every capture, every revision in time order, figures, the search index, continuation pages and the
/// crawl frontier. Plain SQL, all of it inside the caller's transaction.
/// </summary>
public sealed class PageRows : ArchiveRole
{
    private readonly RevisionWriter revisions;
    private readonly ArchiveSearch search;

    internal PageRows(ArchiveDatabase database, RevisionWriter revisions, ArchiveSearch search) : base(database)
    {
        this.revisions = revisions;
        this.search = search;
    }

    internal const string PageSelect = "SELECT id, site, first_seen, continuation_of, latest_revision_id, last_changed_at, last_checked_at, kind, url, key FROM pages";

    /// <summary>The page row <paramref name="select"/> finds (a <see cref="PageSelect"/>), or null.</summary>
    internal static async Task<PageRow?> ReadPageAsync(DbCommand select, CancellationToken ct)
    {
        await using var reader = await select.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        return new PageRow(reader.GetInt64(0), false, reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4),
            StringOrNull(reader, 5), StringOrNull(reader, 6))
        {
            Site = StringOrNull(reader, 1),
            FirstSeen = reader.GetString(2),
            Kind = reader.GetString(7),
            Url = reader.GetString(8),
            Key = StringOrNull(reader, 9),
        };
    }

    /// <summary>The page a URL (in <see cref="CanonicalUrl"/> form) is, by its key or an alias a canonical link made; null if none.</summary>
    internal async Task<PageRow?> FindPageRowAsync(string normalized, CancellationToken ct) =>
        await ReadPageAsync(Command(PageSelect + " WHERE id = " + PageOfKey, ("$key", Identity.Key(normalized))), ct);

    /// <summary>The id of the page with key <c>$key</c>, or of the page an alias with that key belongs to: one statement, two index lookups.</summary>
    internal const string PageOfKey =
        "coalesce((SELECT id FROM pages WHERE key = $key), (SELECT page_id FROM page_aliases WHERE key = $key AND page_id IS NOT NULL LIMIT 1))";

    /// <summary>The id of the page a URL is (any spelling), or null.</summary>
    internal async Task<long?> FindPageIdAsync(string normalized, CancellationToken ct) => (await FindPageRowAsync(normalized, ct))?.Id;

    /// <summary>
    /// The page <paramref name="url"/> (in <see cref="CanonicalUrl"/> form) is, added if new, with <paramref name="url"/> kept as
    /// an alias when it is not the page's own URL. With <paramref name="declared"/> (the canonical spelling of an accepted
    /// <c>&lt;link rel="canonical"&gt;</c>), that page; a page the URL was archived as until now becomes part of it.
    /// A robots.txt is a page of its own origin: its exact URL.
    /// </summary>
    internal async Task<PageRow> GetOrAddPageAsync(string url, string? site, string seenAt, CancellationToken ct, PageKind kind = PageKind.Article,
        string? declared = null)
    {
        var kindName = KindName(kind);
        PageRow? page;
        if (kind == PageKind.Robots)
        {
            page = await ReadPageAsync(Command(PageSelect + " WHERE url = $url", ("$url", url)), ct);
        }
        else
        {
            page = await FindPageRowAsync(declared ?? url, ct);
            if (declared is not null && await FindPageRowAsync(url, ct) is { } own && own.Id != page?.Id)
            {
                if (page is null)
                {
                    // The page archived under this URL until now declares its canonical URL: that is its URL from now on.
                    await ExecuteAsync("UPDATE captures SET url = $url WHERE page_id = $id AND url IS NULL", ct, ("$url", own.Url), ("$id", own.Id));
                    await ExecuteAsync("UPDATE pages SET url = $canonical, key = $key WHERE id = $id", ct,
                        ("$canonical", declared), ("$key", Identity.Key(declared)), ("$id", own.Id));
                    await AddAliasAsync(own.Url, own.Id, own.FirstSeen, ct);
                    page = own with { Url = declared, Key = Identity.Key(declared) };
                }
                else
                {
                    await MergePagesAsync(page, [own], ct);
                    page = await ReadPageAsync(Command(PageSelect + " WHERE id = $id", ("$id", page.Id)), ct);
                }
            }
        }

        if (page is null)
        {
            var canonical = kind == PageKind.Robots ? url : declared ?? Identity.Canonical(url);
            var key = kind == PageKind.Robots ? null : Identity.Key(canonical);
            var added = await ScalarAsync<long>(
                "INSERT INTO pages (url, site, first_seen, kind, key) VALUES ($url, $site, $at, $kind, $key) RETURNING id", ct,
                ("$url", canonical), ("$site", site), ("$at", seenAt), ("$kind", kindName), ("$key", key));
            page = new PageRow(added, true, null, null, null, null) { Site = site, FirstSeen = seenAt, Kind = kindName, Url = canonical, Key = key };
        }
        else
        {
            // A page first seen as an article page and now known as a list (a sitemap named it before its list did).
            if (kind != PageKind.Article && page.Kind != kindName)
            {
                await ExecuteAsync("UPDATE pages SET kind = $kind WHERE id = $id", ct, ("$kind", kindName), ("$id", page.Id));
                page = page with { Kind = kindName };
            }
            // Most stores change neither: no write for them.
            if (site is not null && page.Site is null || string.CompareOrdinal(seenAt, page.FirstSeen) < 0)
                await ExecuteAsync(
                    "UPDATE pages SET site = coalesce(site, $site), first_seen = CASE WHEN $at < first_seen THEN $at ELSE first_seen END WHERE id = $id", ct,
                    ("$site", site), ("$at", seenAt), ("$id", page.Id));
        }
        if (url != page.Url)
            await AddAliasAsync(url, page.Id, seenAt, ct);
        return page;
    }

    /// <summary>Keeps <paramref name="url"/> as an alias of the page (known by key, or by id where a canonical link made it one).</summary>
    private async Task AddAliasAsync(string url, long pageId, string seenAt, CancellationToken ct)
    {
        var key = Identity.Key(url);
        await ExecuteAsync(
            """
            INSERT INTO page_aliases (url, key, page_id, first_seen)
            SELECT $url, $key, CASE WHEN p.key IS NOT DISTINCT FROM $key THEN NULL ELSE p.id END, $at FROM pages p WHERE p.id = $page AND p.url <> $url
            ON CONFLICT (url) DO UPDATE SET first_seen = CASE WHEN excluded.first_seen < page_aliases.first_seen THEN excluded.first_seen ELSE page_aliases.first_seen END,
                page_id = coalesce(excluded.page_id, page_aliases.page_id)
            """, ct, ("$url", url), ("$key", key), ("$page", pageId), ("$at", seenAt));
    }

    /// <summary>
    /// Keeps each of <paramref name="urls"/> (in <see cref="CanonicalUrl"/> form) that is another spelling of an archived page
    /// as that page's alias: the crawl met it in a list or sitemap, and fetches the page under the spelling it met first.
    /// </summary>
    public async Task AddLinkedAliasesAsync(IReadOnlyCollection<string> urls, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        if (urls.Count == 0) return;
        await GuardAsync(() => InTransactionAsync(async ct =>
        {
            var now = Now();
            foreach (var url in urls)
                if (await FindPageRowAsync(url, ct) is { } page && page.Url != url)
                    await AddAliasAsync(url, page.Id, now, ct);
            return 0;
        }, cancellationToken));
    }

    /// <summary>The other URLs of a page (its aliases), in the order they were first seen.</summary>
    public async Task<IReadOnlyList<PageAlias>> ListAliasesAsync(long pageId, CancellationToken cancellationToken = default) =>
        await GuardAsync(async () =>
        {
            var command = Command(
                """
                SELECT a.url, a.first_seen,
                       (SELECT count(*) FROM captures c WHERE c.page_id = p.id AND c.url = a.url)
                FROM pages p JOIN page_aliases a ON a.key = p.key OR a.page_id = p.id
                WHERE p.id = $page AND a.url <> p.url
                ORDER BY a.first_seen, a.url
                """, ("$page", pageId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var aliases = new List<PageAlias>();
            while (await reader.ReadAsync(cancellationToken))
                aliases.Add(new PageAlias(reader.GetString(0), ParseTime(reader.GetString(1)), Int32(reader, 2)));
            return (IReadOnlyList<PageAlias>)aliases;
        });

    /// <summary>
    /// Makes <paramref name="duplicates"/> part of <paramref name="keep"/>: their captures (noting the URL each came from),
    /// their revisions (one per content; the page's revisions renumbered in the order their content was first seen),
    /// continuation pages, list links and aliases move to it; their search index entries go, and <paramref name="keep"/> is
    /// queued to be indexed again. Inside the caller's transaction.
    /// </summary>
    private async Task MergePagesAsync(PageRow keep, IReadOnlyList<PageRow> duplicates, CancellationToken ct)
    {
        (string, object?) K = ("$keep", keep.Id);
        // The index holds keep's entry as of its indexed revision: queued now, it is brought up to date after the merge.
        await ExecuteAsync(
            "INSERT INTO search_queue (page_id, indexed_revision_id) SELECT id, latest_revision_id FROM pages WHERE id = $keep ON CONFLICT (page_id) DO NOTHING",
            ct, K);
        foreach (var duplicate in duplicates)
        {
            (string, object?) D = ("$dup", duplicate.Id);
            // The duplicate's search entry goes, removed with exactly the text it was indexed with.
            await search.RemoveEntryAsync(duplicate.Id, ct);
            await ExecuteAsync("DELETE FROM search_queue WHERE page_id = $dup", ct, D);
            await ExecuteAsync("UPDATE pages SET latest_revision_id = NULL WHERE id = $dup", ct, D);
            // Every capture is kept, with the URL it was made from.
            await ExecuteAsync("UPDATE captures SET url = coalesce(url, (SELECT url FROM pages WHERE id = $dup)), page_id = $keep WHERE page_id = $dup", ct, K, D);
            // A revision whose content the kept page has: its captures show that revision, first seen at the earlier sighting.
            await ExecuteAsync(
                """
                UPDATE revisions AS k SET first_seen = d.first_seen, capture_id = d.capture_id
                FROM revisions d
                WHERE k.page_id = $keep AND d.page_id = $dup AND d.content_sha256 = k.content_sha256 AND d.first_seen < k.first_seen
                """, ct, K, D);
            await ExecuteAsync(
                """
                UPDATE captures AS c SET revision_id = k.id
                FROM revisions d JOIN revisions k ON k.page_id = $keep AND k.content_sha256 = d.content_sha256
                WHERE d.page_id = $dup AND c.revision_id = d.id
                """, ct, K, D);
            const string sameContent = "SELECT d.id FROM revisions d JOIN revisions k ON k.page_id = $keep AND k.content_sha256 = d.content_sha256 WHERE d.page_id = $dup";
            await ExecuteAsync($"DELETE FROM figures WHERE revision_id IN ({sameContent})", ct, K, D);
            await ExecuteAsync($"DELETE FROM revisions WHERE id IN ({sameContent})", ct, K, D);
            await ExecuteAsync("UPDATE revisions SET page_id = $keep WHERE page_id = $dup", ct, K, D);
            await ExecuteAsync("UPDATE pages SET continuation_of = $keep WHERE continuation_of = $dup", ct, K, D);
            await ExecuteAsync("INSERT INTO list_entries (list_page_id, url) SELECT $keep, url FROM list_entries WHERE list_page_id = $dup ON CONFLICT DO NOTHING", ct, K, D);
            await ExecuteAsync("DELETE FROM list_entries WHERE list_page_id = $dup", ct, D);
            await ExecuteAsync("UPDATE page_aliases SET page_id = $keep WHERE page_id = $dup", ct, K, D);
            // Aliases found by the duplicate's key (it had its own) are the kept page's by id from now on.
            await ExecuteAsync(
                """
                UPDATE page_aliases SET page_id = $keep
                WHERE page_id IS NULL AND key = (SELECT key FROM pages WHERE id = $dup) AND key IS DISTINCT FROM (SELECT key FROM pages WHERE id = $keep)
                """, ct, K, D);
            await ExecuteAsync(
                """
                UPDATE pages AS k SET first_seen = CASE WHEN d.first_seen < k.first_seen THEN d.first_seen ELSE k.first_seen END,
                    last_checked_at = CASE WHEN d.last_checked_at > coalesce(k.last_checked_at, '') THEN d.last_checked_at ELSE k.last_checked_at END,
                    site = coalesce(k.site, d.site),
                    continuation_of = coalesce(k.continuation_of, d.continuation_of)
                FROM pages d WHERE k.id = $keep AND d.id = $dup
                """, ct, K, D);
            await ExecuteAsync("DELETE FROM pages WHERE id = $dup", ct, D);
            await AddAliasAsync(duplicate.Url, keep.Id, duplicate.FirstSeen, ct);
        }
        // A page with an article is an article page, whatever a duplicate was first taken for.
        await ExecuteAsync("UPDATE pages SET kind = 'article' WHERE id = $keep AND EXISTS (SELECT 1 FROM revisions WHERE page_id = $keep)", ct, K);
        // The history in time order: numbered by when each content was first seen.
        await ExecuteAsync(
            """
            UPDATE revisions AS r SET number = n.number
            FROM (SELECT id, row_number() OVER (ORDER BY first_seen, id) AS number FROM revisions WHERE page_id = $keep) n
            WHERE r.id = n.id AND r.number <> n.number
            """, ct, K);
        var merged = await ReadPageAsync(Command(PageSelect + " WHERE id = $keep", K), ct)
            ?? throw new ArchiveException(ArchiveFailure.Corrupt, $"page {keep.Id} vanished while merging");
        await revisions.RefreshLatestAsync(merged, null, ct);
    }

    /// <summary>On a writer's open: the pages keyed again when the host groups differ from those they were keyed by.</summary>
    internal async Task ApplyIdentityIfChangedAsync(CancellationToken cancellationToken)
    {
        if (await ScalarAsync<string?>("SELECT hosts FROM page_identity WHERE id = 1", cancellationToken) == Identity.Description)
            return;
        try
        {
            await InTransactionAsync(async ct =>
            {
                // Looked at again under the write lock: another writer may have done it meanwhile.
                if (await ScalarAsync<string?>("SELECT hosts FROM page_identity WHERE id = 1", ct) != Identity.Description)
                    await ApplyIdentityInTransactionAsync(ct);
                return 0;
            }, cancellationToken);
        }
        catch (DbException e) when (Database.Engine.IsBusy(e))
        {
            // Another writer is at work: the pages stay keyed as they are until a writer opens the archive alone.
        }
    }

    /// <summary>
    /// Keys every page by <see cref="Identity"/> and merges the pages that are one (see <see cref="MergePagesAsync"/>): what
    /// the upgrade to schema version 5 does to an older archive, and a writer does when the rules group hosts otherwise.
    /// The page kept is the oldest (its id stays valid); its URL the oldest canonical spelling among them. The frontier
    /// keeps one row per page. Inside the caller's transaction.
    /// </summary>
    internal async Task ApplyIdentityInTransactionAsync(CancellationToken ct)
    {
        var pages = new List<PageRow>();
        var select = Command(PageSelect + " ORDER BY id");
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                pages.Add(new PageRow(reader.GetInt64(0), false, reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4),
                    StringOrNull(reader, 5), StringOrNull(reader, 6))
                {
                    Site = StringOrNull(reader, 1), FirstSeen = reader.GetString(2), Kind = reader.GetString(7), Url = reader.GetString(8), Key = StringOrNull(reader, 9),
                });
        }
        var keyed = pages.Where(p => p.Kind != "robots").ToList();

        // Pages of one key are one page; so is the page an alias from a canonical link names and the page of that alias's key.
        var root = keyed.ToDictionary(p => p.Id, p => p.Id);
        long Find(long id) => root[id] == id ? id : root[id] = Find(root[id]);
        void Union(long a, long b)
        {
            var (ra, rb) = (Find(a), Find(b));
            if (ra != rb) root[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
        var byKey = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var page in keyed)
        {
            var key = Identity.Key(page.Url);
            if (byKey.TryGetValue(key, out var first)) Union(first, page.Id);
            else byKey[key] = page.Id;
        }
        var declaredTargets = new HashSet<long>();
        var aliasSelect = Command("SELECT url, page_id FROM page_aliases WHERE page_id IS NOT NULL");
        await using (var reader = await aliasSelect.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var target = reader.GetInt64(1);
                if (!root.ContainsKey(target)) continue;
                declaredTargets.Add(target);
                if (byKey.TryGetValue(Identity.Key(reader.GetString(0)), out var other)) Union(target, other);
            }
        }

        // Keys are set afresh; none may stand in the way of another page's new key meanwhile.
        await ExecuteAsync("UPDATE pages SET key = NULL WHERE key IS NOT NULL", ct);
        foreach (var group in keyed.GroupBy(p => Find(p.Id)))
        {
            var members = group.OrderBy(p => p.Id).ToList();
            // A page a canonical link named keeps the URL it declared; otherwise the oldest page, under the oldest spelling
            // already on its canonical host, else its own on that host.
            var keep = members.FirstOrDefault(p => declaredTargets.Contains(p.Id)) ?? members[0];
            var url = declaredTargets.Contains(keep.Id) ? Identity.Canonical(keep.Url)
                : members.Select(p => p.Url).FirstOrDefault(u => Identity.Canonical(u) == u) ?? Identity.Canonical(keep.Url);
            if (keep.Url != url)
                await ExecuteAsync("UPDATE captures SET url = $url WHERE page_id = $id AND url IS NULL", ct, ("$url", keep.Url), ("$id", keep.Id));
            var duplicates = members.Where(p => p.Id != keep.Id).ToList();
            if (duplicates.Count > 0)
                await MergePagesAsync(keep, duplicates, ct);
            await ExecuteAsync("UPDATE pages SET url = $url, key = $key WHERE id = $id", ct, ("$url", url), ("$key", Identity.Key(url)), ("$id", keep.Id));
            // A duplicate's captures came from what is now the page's own URL.
            if (duplicates.Count > 0)
                await ExecuteAsync("UPDATE captures SET url = NULL WHERE page_id = $id AND url = $url", ct, ("$id", keep.Id), ("$url", url));
            if (keep.Url != url)
                await AddAliasAsync(keep.Url, keep.Id, keep.FirstSeen, ct);
        }

        // Aliases follow the new keys: found by key where it is their page's, by page where a canonical link made them one.
        var aliases = new List<(string Url, string Key, long? PageId)>();
        var allAliases = Command("SELECT url, key, page_id FROM page_aliases");
        await using (var reader = await allAliases.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                aliases.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2)));
        foreach (var (url, key, pageId) in aliases)
        {
            var newKey = Identity.Key(url);
            if (newKey != key)
                await ExecuteAsync("UPDATE page_aliases SET key = $key WHERE url = $url", ct, ("$key", newKey), ("$url", url));
            if (pageId is not null)
                await ExecuteAsync("UPDATE page_aliases SET page_id = NULL WHERE url = $url AND page_id = (SELECT id FROM pages WHERE key = $key)", ct,
                    ("$url", url), ("$key", newKey));
        }
        // An alias found by a key no page has any more (its page was joined to another by a canonical link) is found by
        // that page, as the joined page's own URL is.
        await ExecuteAsync(
            """
            UPDATE page_aliases AS a SET page_id = (SELECT b.page_id FROM page_aliases b WHERE b.key = a.key AND b.page_id IS NOT NULL LIMIT 1)
            WHERE a.page_id IS NULL AND NOT EXISTS (SELECT 1 FROM pages WHERE key = a.key)
            """, ct);
        await ExecuteAsync("DELETE FROM page_aliases WHERE url IN (SELECT url FROM pages)", ct);

        await MergeFrontierRowsAsync(ct);
        await ExecuteAsync("INSERT INTO page_identity (id, hosts) VALUES (1, $hosts) ON CONFLICT (id) DO UPDATE SET hosts = excluded.hosts", ct,
            ("$hosts", Identity.Description));
    }

    /// <summary>
    /// One frontier row per page: of rows that are spellings of one page (or list), the one that has been fetched (else the
    /// first discovered) stays, with the earliest discovery and the soonest check of them all.
    /// </summary>
    private async Task MergeFrontierRowsAsync(CancellationToken ct)
    {
        var rows = new List<(string Url, string State, string DiscoveredAt)>();
        // A sitemap, as robots.txt, is a file of its own origin.
        var select = Command("SELECT url, state, discovered_at FROM frontier WHERE kind <> 'sitemap' ORDER BY discovered_at, url");
        await using (var reader = await select.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        static int Rank(string state) => state switch { "done" => 0, "failed" => 1, "skipped" => 2, "fetching" => 3, _ => 4 };
        foreach (var group in rows.GroupBy(r => Identity.Key(r.Url)).Where(g => g.Count() > 1))
        {
            var keep = group.OrderBy(r => Rank(r.State)).First();
            foreach (var other in group.Where(r => r.Url != keep.Url))
            {
                await ExecuteAsync(
                    """
                    UPDATE frontier AS k SET discovered_at = CASE WHEN o.discovered_at < k.discovered_at THEN o.discovered_at ELSE k.discovered_at END,
                        next_check_at = CASE WHEN o.next_check_at < coalesce(k.next_check_at, '9999') THEN o.next_check_at ELSE k.next_check_at END,
                        attempts = CASE WHEN o.attempts > k.attempts THEN o.attempts ELSE k.attempts END,
                        pass = CASE WHEN o.pass > k.pass THEN o.pass ELSE k.pass END
                    FROM frontier o WHERE k.url = $keep AND o.url = $other
                    """, ct, ("$keep", keep.Url), ("$other", other.Url));
                await ExecuteAsync("DELETE FROM frontier WHERE url = $other", ct, ("$other", other.Url));
                await AddFrontierAliasAsync(other.Url, other.DiscoveredAt, ct);
            }
        }
    }

    /// <summary>A spelling the crawl met for a page it knows under another: an alias (by key) for when the page is archived.</summary>
    internal Task AddFrontierAliasAsync(string url, string seenAt, CancellationToken ct) =>
        ExecuteAsync(
            """
            INSERT INTO page_aliases (url, key, page_id, first_seen) SELECT $url, $key, NULL, $at WHERE NOT EXISTS (SELECT 1 FROM pages WHERE url = $url)
            ON CONFLICT (url) DO UPDATE SET first_seen = CASE WHEN excluded.first_seen < page_aliases.first_seen THEN excluded.first_seen ELSE page_aliases.first_seen END
            """, ct, ("$url", url), ("$key", Identity.Key(url)), ("$at", seenAt));

    /// <summary>The spellings of a URL as an SQL list of parameters, <c>($spelling0, $spelling1, …)</c>, for <c>url IN …</c>.</summary>
    internal (string List, (string Name, object? Value)[] Parameters) SpellingsIn(string normalized)
    {
        var spellings = Identity.Spellings(normalized);
        var parameters = spellings.Select((spelling, i) => ($"$spelling{i}", (object?)spelling)).ToArray();
        return ("(" + string.Join(", ", parameters.Select(p => p.Item1)) + ")", parameters);
    }

    private static string KindName(PageKind kind) => kind switch { PageKind.List => "list", PageKind.Robots => "robots", _ => "article" };
}

/// <summary>Another URL of a page: where it was also fetched, imported or linked.</summary>
/// <param name="Captures">How many of the page's captures were made from this URL.</param>
public sealed record PageAlias(string Url, DateTimeOffset FirstSeen, int Captures);

/// <summary>What the store knows of a page row at the start of a write (read once, not again per statement).</summary>
/// <param name="Added">Inserted by this transaction: it has no captures or revisions yet.</param>
internal sealed record PageRow(long Id, bool Added, long? ContinuationOf, long? LatestRevisionId, string? LastChangedAt, string? LastCheckedAt)
{
    public string? Site { get; init; }
    /// <summary>'article', 'list' or 'robots' (see <see cref="PageKind"/>).</summary>
    public string Kind { get; init; } = "article";
    public required string FirstSeen { get; init; }
    /// <summary>The page's canonical URL.</summary>
    public required string Url { get; init; }
    /// <summary>What makes it one page (see <see cref="PageIdentity.Key(string)"/>); null for robots.txt pages.</summary>
    public string? Key { get; init; }
}
