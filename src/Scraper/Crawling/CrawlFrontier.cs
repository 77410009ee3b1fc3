using Scraper.Archive;

namespace Scraper.Crawling;

/// <summary>What a frontier row stands for: a section list page, a page to archive, or a sitemap.</summary>
public enum FrontierKind { List, Page, Sitemap }

/// <summary>How queuing treats a URL the frontier already holds from an earlier pass.</summary>
public enum QueueMode
{
    /// <summary>Queue it again for this pass (list pages and sitemaps are read at every crawl).</summary>
    Again,
    /// <summary>Only if it has not been archived: done pages wait for their revisit; failed ones are retried.</summary>
    UnlessArchived,
}

/// <summary>Which archived pages a crawl checks again (<c>--revisit</c>).</summary>
public enum RevisitMode { Due, All, None }

public sealed record FrontierEntry(string Url, FrontierKind Kind, string? Site, string? DiscoveredFrom);

/// <summary>A claimed frontier row, now in state <c>fetching</c>.</summary>
public sealed record FrontierItem(string Url, FrontierKind Kind, string? Site, int UnchangedCount, int Attempts)
{
    /// <summary>The page that linked to it; null for what a crawl starts from (start URLs, sitemaps, revisits of those).</summary>
    public string? DiscoveredFrom { get; init; }

    /// <summary>The archived capture's ETag and Last-Modified, for a conditional GET.</summary>
    public ConditionalGetValidators? Validators { get; init; }

    /// <summary>For page 1 of a multi-page article: its archived continuation pages and their validators.</summary>
    public IReadOnlyList<(Uri Url, ConditionalGetValidators Validators)> Siblings { get; init; } = [];
}

/// <summary>How a frontier row ends this pass, and the error to record, if any.</summary>
/// <param name="Note">Why the row ended so, kept in the row (as an error's message is) but not recorded as an error.</param>
public sealed record FrontierOutcome(string State, DateTimeOffset? NextCheckAt = null, int UnchangedCount = 0, CrawlError? Error = null, string? Note = null);

/// <summary>The crawl's start: its run, the pass it works on, and whether it resumes a killed crawl's pass.</summary>
public sealed record CrawlStart(long RunId, int Pass, bool Resumed, int Pending)
{
    /// <summary>The sites the crawl works on (its frontier rows are theirs, and rows of no site); null for every site.</summary>
    public IReadOnlyCollection<string>? Sites { get; init; }
}

/// <summary>
/// The crawl's frontier in the archive: the URLs of each pass and how each ended, and the start and end of a crawl run.
/// Plain SQL over the archive's database, one transaction per change (or the page's, see <see cref="CompleteAsync(ArchiveTransaction, string, FrontierOutcome, long, RunCounts)"/>).
/// Stateless: <see cref="CrawlArchive.Frontier"/> makes one for a store.
/// </summary>
public sealed class CrawlFrontier : ArchiveRole
{
    private readonly PageRows pageRows;
    private readonly RunLog runs;
    private readonly ArchiveSearch search;

    internal CrawlFrontier(ArchiveStore store) : base(store.Database)
    {
        pageRows = store.Pages;
        runs = store.Runs;
        search = store.Search;
    }

    /// <summary>
    /// Starts a run over <paramref name="sites"/> (null: every site): runs still marked running whose crawler is gone were
    /// killed and become interrupted (ended at their last recorded activity, see <see cref="RunLog.EndKilledRunsAsync"/>),
    /// rows of these sites a killed crawl left fetching are pending again, and the pass is the unfinished one if rows of
    /// these sites are pending, else a new one. The caller holds the crawl lock of these sites, so no other crawler
    /// works on their rows; on PostgreSQL, crawlers of other sites may be at work beside it (their runs stay running).
    /// </summary>
    public async Task<CrawlStart> BeginCrawlAsync(IReadOnlyCollection<string>? sites = null, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        var scope = Scope(sites);
        return await GuardAsync(() => InTransactionAsync(async ct =>
        {
            var now = Now();
            await runs.EndKilledRunsAsync(ct);
            await ExecuteAsync($"UPDATE frontier SET state = 'pending' WHERE state = 'fetching' AND {scope.Sql}", ct, scope.Parameters);
            var pending = await ScalarAsync<long>($"SELECT count(*) FROM frontier WHERE state = 'pending' AND {scope.Sql}", ct, scope.Parameters);
            var lastPass = await ScalarAsync<long>(
                pending > 0 ? $"SELECT coalesce(max(pass), 0) FROM frontier WHERE state = 'pending' AND {scope.Sql}" : "SELECT coalesce(max(pass), 0) FROM frontier",
                ct, pending > 0 ? scope.Parameters : []);
            var runId = await ScalarAsync<long>("INSERT INTO runs (started_at) VALUES ($now) RETURNING id", ct, ("$now", now));
            await Database.Engine.HoldRunAsync(Database, runId, ct);
            return pending > 0
                ? new CrawlStart(runId, (int)lastPass, true, (int)pending) { Sites = sites }
                : new CrawlStart(runId, (int)lastPass + 1, false, 0) { Sites = sites };
        }, cancellationToken));
    }

    /// <summary>The frontier rows of a crawl's sites, and rows of no site (which any crawler may claim: SKIP LOCKED keeps them apart).</summary>
    private static (string Sql, (string Name, object? Value)[] Parameters) Scope(IReadOnlyCollection<string>? sites)
    {
        if (sites is null)
            return ("1 = 1", []);
        var parameters = sites.Select((site, i) => ($"$site{i}", (object?)site)).ToArray();
        return parameters.Length == 0
            ? ("site IS NULL", [])
            : ($"(site IS NULL OR site IN ({string.Join(", ", parameters.Select(p => p.Item1))}))", parameters);
    }

    public async Task EndRunAsync(long runId, string status, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        await GuardAsync(() => InTransactionAsync(async ct =>
        {
            await ExecuteAsync("UPDATE runs SET status = $status, ended_at = $now WHERE id = $id", ct,
                ("$status", status), ("$now", Now()), ("$id", runId));
            return 0;
        }, cancellationToken));
        await GuardAsync(async () =>
        {
            await Database.Engine.ReleaseRunAsync(Database, runId, cancellationToken);
            return 0;
        });
        // A finished run's pages are all searchable and on disk, also while a watch-mode crawl waits for its next run.
        if (search.HasQueued)
            await search.UpdateSearchIndexAsync(cancellationToken);
        Database.MakeDurable();
    }

    /// <summary>Adds URLs to this pass of the frontier; returns how many were queued (new or queued again).</summary>
    public async Task<int> QueueAsync(IEnumerable<FrontierEntry> entries, int pass, QueueMode mode, long runId, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        var list = entries.ToList();
        if (list.Count == 0) return 0;
        return await GuardAsync(() => InTransactionAsync(async ct =>
        {
            var queued = 0;
            var now = Now();
            foreach (var given in list)
            {
                // A URL the frontier holds under another spelling (the other scheme, a mirror host) is that row: the page
                // is fetched once, under the spelling met first; this one is kept as an alias. A sitemap, as robots.txt,
                // is a file of its own origin.
                var entry = given;
                var spellings = pageRows.SpellingsIn(given.Url);
                var held = given.Kind == FrontierKind.Sitemap ? null : await ScalarAsync<string?>(
                    $"SELECT url FROM frontier WHERE url IN {spellings.List} AND kind <> 'sitemap' ORDER BY url <> $url LIMIT 1", ct,
                    [.. spellings.Parameters, ("$url", given.Url)]);
                if (held is not null && held != given.Url)
                {
                    await pageRows.AddFrontierAliasAsync(given.Url, now, ct);
                    entry = given with { Url = held };
                }
                var changed = await ScalarAsync<long>("""
                    INSERT INTO frontier (url, kind, site, pass, discovered_at, discovered_from)
                    VALUES ($url, $kind, $site, $pass, $now, $from)
                    ON CONFLICT (url) DO UPDATE SET state = 'pending', pass = excluded.pass, kind = excluded.kind,
                        site = coalesce(excluded.site, frontier.site)
                    WHERE frontier.pass <> excluded.pass AND frontier.state NOT IN ('pending', 'fetching')
                      AND ($mode = 'again' OR frontier.state = 'failed')
                    RETURNING 1
                    """, ct, ("$url", entry.Url), ("$kind", KindName(entry.Kind)), ("$site", entry.Site), ("$pass", pass),
                    ("$now", now), ("$from", entry.DiscoveredFrom), ("$mode", mode == QueueMode.Again ? "again" : "unless-archived"));
                queued += (int)changed;
            }
            var pages = list.Count(e => e.Kind == FrontierKind.Page);
            if (queued > 0 && pages > 0)
                await ExecuteAsync("UPDATE runs SET discovered = discovered + $n WHERE id = $id", ct,
                    ("$n", Math.Min(queued, pages)), ("$id", runId));
            return queued;
        }, cancellationToken));
    }

    /// <summary>Queues the archived pages due for a check (<paramref name="mode"/>), for this pass.</summary>
    public async Task<int> QueueRevisitsAsync(int pass, RevisitMode mode, IReadOnlyCollection<string> sites, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        if (mode == RevisitMode.None) return 0;
        return await GuardAsync(() => InTransactionAsync(async ct =>
        {
            var total = 0;
            foreach (var site in sites)
            {
                total += await Command("""
                    UPDATE frontier SET state = 'pending', pass = $pass
                    WHERE kind = 'page' AND state IN ('done', 'failed') AND site = $site AND pass <> $pass
                      AND ($all = 1 OR next_check_at IS NULL OR next_check_at <= $now)
                    """, ("$site", site), ("$pass", pass), ("$all", mode == RevisitMode.All ? 1 : 0), ("$now", Now()))
                    .ExecuteNonQueryAsync(ct);
            }
            return total;
        }, cancellationToken));
    }

    /// <summary>
    /// Takes up to <paramref name="max"/> pending rows of the pass among <paramref name="sites"/> (sitemaps and lists
    /// first) and marks them fetching. The rows are locked as they are read and rows another crawler is claiming are
    /// skipped (PostgreSQL's FOR UPDATE SKIP LOCKED), so crawlers sharing rows never claim one twice; the claim does not
    /// wait for the archive's other writers.
    /// </summary>
    public async Task<IReadOnlyList<FrontierItem>> ClaimAsync(int pass, int max, CancellationToken cancellationToken = default,
        IReadOnlyCollection<string>? sites = null)
    {
        EnsureWritable();
        var scope = Scope(sites);
        return await GuardAsync(() => Database.InTransactionAsync(async tx =>
        {
            var ct = tx.CancellationToken;
            var items = new List<FrontierItem>();
            // One kind at a time, each read in the order of the frontier_claim index: no sort of the whole pass per claim.
            foreach (var kind in ClaimOrder)
            {
                if (items.Count >= max) break;
                var select = Command($"""
                    SELECT url, kind, site, unchanged_count, attempts, discovered_from FROM frontier
                    WHERE pass = $pass AND state = 'pending' AND kind = $kind AND {scope.Sql}
                    ORDER BY discovered_at, url
                    LIMIT $max {Database.Engine.SkipLockedRows}
                    """, [("$pass", pass), ("$kind", KindName(kind)), ("$max", max - items.Count), .. scope.Parameters]);
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                    items.Add(new FrontierItem(reader.GetString(0), kind, StringOrNull(reader, 2), Int32(reader, 3), Int32(reader, 4))
                    {
                        DiscoveredFrom = StringOrNull(reader, 5),
                    });
            }
            foreach (var item in items)
                await ExecuteAsync("UPDATE frontier SET state = 'fetching', attempts = attempts + 1 WHERE url = $url", ct, ("$url", item.Url));
            return (IReadOnlyList<FrontierItem>)items;
        }, WriteKind.RowLocked, cancellationToken));
    }

    /// <summary>Records how a row ended, with the run's counters and any error, in one transaction.</summary>
    public async Task CompleteAsync(string url, FrontierOutcome outcome, long runId, RunCounts delta, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        await GuardAsync(() => InTransactionAsync(async ct =>
        {
            await WriteCompletionAsync(url, outcome, runId, delta, ct);
            return 0;
        }, cancellationToken));
    }

    /// <summary>The same, inside the transaction that stores the page (see <see cref="CaptureWriter.StorePageAsync"/>).</summary>
    public Task CompleteAsync(ArchiveTransaction transaction, string url, FrontierOutcome outcome, long runId, RunCounts delta)
    {
        Database.EnsureCurrent(transaction);
        return WriteCompletionAsync(url, outcome, runId, delta, transaction.CancellationToken);
    }

    private async Task WriteCompletionAsync(string url, FrontierOutcome outcome, long runId, RunCounts delta, CancellationToken ct)
    {
        var now = Now();
        await ExecuteAsync("""
            UPDATE frontier SET state = $state, next_check_at = $next, unchanged_count = $unchanged, last_error = $error
            WHERE url = $url
            """, ct, ("$state", outcome.State), ("$next", outcome.NextCheckAt is { } next ? FormatTime(next) : null),
            ("$unchanged", outcome.UnchangedCount), ("$error", outcome.Error?.Message ?? outcome.Note), ("$url", url));
        if (outcome.Error is { } error)
        {
            await ExecuteAsync("""
                INSERT INTO errors (run_id, url, occurred_at, kind, http_status, message) VALUES ($run, $url, $now, $kind, $status, $message)
                """, ct, ("$run", runId), ("$url", url), ("$now", now), ("$kind", error.Kind), ("$status", error.HttpStatus), ("$message", error.Message));
        }
        if ((delta.Unchanged > 0 || delta.Fetched > 0) && CanonicalUrl.TryNormalize(url, out var normalized))
            await ExecuteAsync($"UPDATE pages SET last_checked_at = CASE WHEN last_checked_at >= $now THEN last_checked_at ELSE $now END WHERE id = {PageRows.PageOfKey}", ct,
                ("$now", now), ("$key", Identity.Key(normalized)));
        await ExecuteAsync("""
            UPDATE runs SET discovered = discovered + $discovered, fetched = fetched + $fetched, unchanged = unchanged + $unchanged,
                new_pages = new_pages + $pages, new_revisions = new_revisions + $revisions, errors = errors + $errors,
                generic_fallbacks = generic_fallbacks + $generic, selector_misses = selector_misses + $misses
            WHERE id = $id
            """, ct, ("$discovered", delta.Discovered), ("$fetched", delta.Fetched), ("$unchanged", delta.Unchanged),
            ("$pages", delta.NewPages), ("$revisions", delta.NewRevisions), ("$errors", delta.Errors),
            ("$generic", delta.GenericFallbacks), ("$misses", delta.SelectorMisses), ("$id", runId));
    }

    public async Task<int> CountPendingAsync(int pass, CancellationToken cancellationToken = default, IReadOnlyCollection<string>? sites = null)
    {
        var scope = Scope(sites);
        return await GuardAsync(() => ScalarAsync<int>($"SELECT count(*) FROM frontier WHERE pass = $pass AND state IN ('pending', 'fetching') AND {scope.Sql}",
            cancellationToken, [("$pass", pass), .. scope.Parameters]));
    }

    /// <summary>The publication date of a page's latest revision, for its revisit schedule.</summary>
    public async Task<DateOnly?> GetPublishedAsync(string url, CancellationToken cancellationToken = default)
    {
        var text = await GuardAsync(async () => await pageRows.FindPageIdAsync(CanonicalUrl.Normalize(new Uri(url)), cancellationToken) is { } pageId
            ? await ScalarAsync<string?>(
                "SELECT r.published FROM pages p JOIN revisions r ON r.id = p.latest_revision_id WHERE p.id = $id", cancellationToken, ("$id", pageId))
            : null);
        return DateOnly.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var date) ? date : null;
    }

    /// <summary>
    /// Whether the archive holds an article for the URL's page (under any of its spellings), or the frontier has fetched it.
    /// </summary>
    public async Task<bool> IsArchivedAsync(string url, CancellationToken cancellationToken = default)
    {
        var spellings = pageRows.SpellingsIn(url);
        return await GuardAsync(async () => await ScalarAsync<long>(
            $"""
            SELECT CASE WHEN EXISTS (SELECT 1 FROM pages WHERE id = {PageRows.PageOfKey} AND latest_revision_id IS NOT NULL)
                OR EXISTS (SELECT 1 FROM frontier WHERE url IN {spellings.List} AND state = 'done') THEN 1 ELSE 0 END
            """, cancellationToken, [("$key", Identity.Key(url)), .. spellings.Parameters]) == 1);
    }

    /// <summary>Sitemaps and lists first: they discover the pages.</summary>
    private static readonly FrontierKind[] ClaimOrder = [FrontierKind.Sitemap, FrontierKind.List, FrontierKind.Page];

    /// <summary>The section list rows of the frontier (their URLs as fetched, and site): the sections earlier crawls found.</summary>
    public async Task<IReadOnlyList<(string Url, string? Site)>> ListFrontierListsAsync(CancellationToken cancellationToken = default) =>
        await GuardAsync(async () =>
        {
            var rows = new List<(string, string?)>();
            var command = Command("SELECT url, site FROM frontier WHERE kind = 'list' ORDER BY discovered_at, url");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                rows.Add((reader.GetString(0), StringOrNull(reader, 1)));
            return (IReadOnlyList<(string, string?)>)rows;
        });

    private static string KindName(FrontierKind kind) => kind switch
    {
        FrontierKind.List => "list",
        FrontierKind.Sitemap => "sitemap",
        _ => "page",
    };

    private static FrontierKind ParseKind(string kind) => kind switch
    {
        "list" => FrontierKind.List,
        "sitemap" => FrontierKind.Sitemap,
        _ => FrontierKind.Page,
    };
}

/// <summary>The crawl's view of an archive.</summary>
public static class CrawlArchive
{
    extension(ArchiveStore store)
    {
        /// <summary>The store's crawl frontier (a view over its database: as cheap to make as to keep).</summary>
        public CrawlFrontier Frontier => new(store);
    }
}
