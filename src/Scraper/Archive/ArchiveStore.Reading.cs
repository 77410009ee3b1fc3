using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scraper.Extraction;

namespace Scraper.Archive;

public sealed partial class ArchiveStore
{
    /// <summary>
    /// Finds a page by its id (digits) or by any URL of it (see <see cref="PageIdentity"/>): either scheme, any host of its
    /// group, an alias. A robots.txt is found by its exact URL.
    /// </summary>
    public async Task<PageReference?> FindPageAsync(string urlOrId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(urlOrId);
        urlOrId = urlOrId.Trim();
        if (long.TryParse(urlOrId, out var id))
            return await GuardAsync(() => FindPageWhereAsync("p.id = $key", id, cancellationToken));
        if (!CanonicalUrl.TryNormalize(urlOrId, out var url))
            return null;
        return await GuardAsync(async () =>
            await FindPageIdAsync(url, cancellationToken) is { } pageId
                ? await FindPageWhereAsync("p.id = $key", pageId, cancellationToken)
                : await FindPageWhereAsync("p.url = $key", url, cancellationToken));
    }

    private async Task<PageReference?> FindPageWhereAsync(string condition, object key, CancellationToken cancellationToken)
    {
        var command = Command(
            $"""
            SELECT p.id, p.url, first.url, p.latest_revision_id IS NOT NULL
            FROM pages p LEFT JOIN pages first ON first.id = p.continuation_of
            WHERE {condition}
            """, ("$key", key));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new PageReference(reader.GetInt64(0), reader.GetString(1), StringOrNull(reader, 2), reader.GetBoolean(3))
            : null;
    }

    /// <summary>Revision <paramref name="revision"/> of the page (its current one when null), or null if there is none.</summary>
    public async Task<ArchivedArticle?> GetArticleAsync(long pageId, int? revision = null, CancellationToken cancellationToken = default)
    {
        return await GuardAsync(async () =>
        {
            var condition = revision is null ? "r.id = p.latest_revision_id" : "r.number = $number";
            var command = Command(ArticleSelect + $" WHERE p.id = $page AND {condition}", ("$page", pageId), ("$number", revision));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? await ReadArticleAsync(reader, cancellationToken) : null;
        });
    }

    /// <summary>The page's revisions, oldest first.</summary>
    public async Task<IReadOnlyList<RevisionSummary>> GetHistoryAsync(long pageId, CancellationToken cancellationToken = default)
    {
        return await GuardAsync(async () =>
        {
            var command = Command(
                """
                SELECT r.number, r.first_seen, r.created_at, r.extractor, r.content_sha256, r.title,
                       (SELECT count(*) FROM captures c WHERE c.page_id = r.page_id AND c.revision_id = r.id), r.id = p.latest_revision_id
                FROM revisions r JOIN pages p ON p.id = r.page_id
                WHERE r.page_id = $page
                ORDER BY r.number
                """, ("$page", pageId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var history = new List<RevisionSummary>();
            while (await reader.ReadAsync(cancellationToken))
                history.Add(new RevisionSummary(
                    reader.GetInt32(0), ParseTime(reader.GetString(1)), ParseTime(reader.GetString(2)), reader.GetString(3),
                    reader.GetString(4), StringOrNull(reader, 5), reader.GetInt32(6), reader.GetBoolean(7)));
            return history;
        });
    }

    /// <summary>The pages that have an article, in the order they were first archived.</summary>
    public IAsyncEnumerable<ArchivedPage> ListPagesAsync(PageFilter? filter = null, CancellationToken cancellationToken = default) =>
        Guarded(ListPagesCoreAsync(filter ?? new PageFilter(), cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ArchivedPage> ListPagesCoreAsync(PageFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (selected, parameters) = SelectedPages(filter);
        await using var command = NewCommand(
            $"""
            SELECT p.id, p.url, p.site, r.title, r.published, r.extractor,
                   (SELECT count(*) FROM revisions WHERE page_id = p.id),
                   (SELECT count(*) FROM captures WHERE page_id = p.id),
                   p.first_seen, p.last_changed_at
            FROM pages p JOIN revisions r ON r.id = p.latest_revision_id
            WHERE {selected}
            ORDER BY p.id
            """, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new ArchivedPage(
                reader.GetInt64(0), reader.GetString(1), StringOrNull(reader, 2), StringOrNull(reader, 3), StringOrNull(reader, 4),
                reader.GetString(5), reader.GetInt32(6), reader.GetInt32(7), ParseTime(reader.GetString(8)), ParseTimeOrNull(reader, 9));
    }

    /// <summary>
    /// Streams articles with their archive facts: each page's current revision, or with
    /// <see cref="PageFilter.AllRevisions"/> every revision (pages in archive order, revisions oldest first).
    /// </summary>
    public IAsyncEnumerable<ArchivedArticle> ReadArticlesAsync(PageFilter? filter = null, CancellationToken cancellationToken = default) =>
        Guarded(ReadArticlesCoreAsync(filter ?? new PageFilter(), cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ArchivedArticle> ReadArticlesCoreAsync(PageFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (selected, parameters) = SelectedPages(filter);
        await using var command = NewCommand(
            ArticleSelect + $" WHERE {SelectedRevisions(filter)} AND {selected} ORDER BY p.id, r.number", parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return await ReadArticleAsync(reader, cancellationToken);
    }

    /// <summary>
    /// Full-text search (FTS5 query syntax) over the title and text of each page's current revision, best first.
    /// A query FTS5 accepts keeps its meaning (AND, OR, NOT, "phrases", prefix*, NEAR, title: filters); one it rejects
    /// (<c>Wuxi's</c>, <c>1.49</c>, <c>R&amp;D</c>, <c>"unbalanced</c>, <c>Video: metro</c>) is searched again as plain
    /// words (<see cref="AsPlainWords"/>), so plain text always searches. The query is bound as a parameter, never
    /// spliced into SQL; only a query rejected in both forms is <see cref="ArchiveFailure.InvalidQuery"/>.
    /// </summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(
        string query, int limit = 20, string? site = null, string highlightStart = "**", string highlightEnd = "**",
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (string.IsNullOrWhiteSpace(query))
            throw new ArchiveException(ArchiveFailure.InvalidQuery, "the search query is empty");
        if (Access == ArchiveAccess.ReadWrite && searchQueued > 0)
            await UpdateSearchIndexAsync(cancellationToken);
        try
        {
            try
            {
                return await MatchAsync(query, limit, site, highlightStart, highlightEnd, cancellationToken);
            }
            // SQLITE_ERROR from a MATCH is FTS5 refusing the query: "fts5: syntax error near …", "unterminated string",
            // "no such column: …" (a word followed by a colon reads as a column filter).
            catch (SqliteException rejected) when (rejected.SqliteErrorCode == 1)
            {
                try
                {
                    return await MatchAsync(AsPlainWords(query), limit, site, highlightStart, highlightEnd, cancellationToken);
                }
                catch (SqliteException e) when (e.SqliteErrorCode == 1)
                {
                    // The error worth showing is the one about the query as the user wrote it.
                    throw InvalidQuery(rejected);
                }
            }
        }
        catch (SqliteException e)
        {
            throw ArchiveException.From(e, displayPath);
        }
    }

    private static ArchiveException InvalidQuery(SqliteException e)
    {
        var reason = e.Message.Replace("SQLite Error 1: ", "").Trim('\'', '.', ' ');
        return new ArchiveException(ArchiveFailure.InvalidQuery,
            $"invalid search query ({reason}); put words in double quotes to search for them literally", e);
    }

    private async Task<IReadOnlyList<SearchHit>> MatchAsync(
        string query, int limit, string? site, string highlightStart, string highlightEnd, CancellationToken cancellationToken)
    {
        var ranked = await RankAsync(query, limit, site, cancellationToken);

        // Snippets read and tokenize an article's whole text, so they are made for the hits shown and no others.
        var details = Command(
            """
            SELECT p.url, s.title, snippet(search_index, -1, $open, $close, '…', 16)
            FROM search_index s JOIN pages p ON p.id = s.rowid
            WHERE search_index MATCH $query AND s.rowid = $id
            """,
            ("$query", query), ("$open", highlightStart), ("$close", highlightEnd), ("$id", 0L));
        var hits = new List<SearchHit>(ranked.Count);
        foreach (var (pageId, score) in ranked)
        {
            details.Parameters["$id"].Value = pageId;
            await using var reader = await details.ExecuteReaderAsync(cancellationToken);
            // A page a writer took out of the index since the ranking is left out.
            if (await reader.ReadAsync(cancellationToken))
                hits.Add(new SearchHit(pageId, reader.GetString(0), NullIfEmpty(reader.GetString(1)), reader.GetString(2), score));
        }
        return hits;
    }

    /// <summary>
    /// The best <paramref name="limit"/> matches, best first. Scoring every match is nearly all the time of a query
    /// that matches much of a large archive, so the pages are split into id ranges scored at once on separate
    /// connections; bm25 takes its statistics (document count, average length, each term's document frequency) from
    /// the whole index whatever the range, so the merged ranges rank exactly as one query would.
    /// </summary>
    private async Task<List<(long PageId, double Score)>> RankAsync(string query, int limit, string? site, CancellationToken cancellationToken)
    {
        var maxPageId = await ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM pages", cancellationToken);
        var partitions = (int)Math.Clamp((maxPageId + options.PagesPerSearchPartition - 1) / Math.Max(1, options.PagesPerSearchPartition),
            1, options.EffectiveSearchParallelism);
        if (partitions == 1)
            return await RankRangeAsync(connection, transaction, query, limit, site, long.MinValue, long.MaxValue, cancellationToken);

        var readers = SearchConnections(partitions - 1);
        var width = (maxPageId + partitions) / partitions;
        var ranges = Enumerable.Range(0, partitions)
            .Select(i => (From: i == 0 ? long.MinValue : i * width, To: i == partitions - 1 ? long.MaxValue : (i + 1) * width))
            .ToArray();
        // Microsoft.Data.Sqlite runs statements synchronously, so each range needs a thread of its own. WhenAll waits for
        // every range, failed or not, so no connection is left busy behind the caller's back.
        var results = await Task.WhenAll(ranges.Select((range, i) => Task.Run(
            () => RankRangeAsync(i == 0 ? connection : readers[i - 1], i == 0 ? transaction : null, query, limit, site, range.From, range.To, cancellationToken),
            CancellationToken.None)));
        var merged = results.SelectMany(ranked => ranked);
        return merged.OrderBy(hit => hit.Score).ThenBy(hit => hit.PageId).Take(limit).ToList();
    }

    /// <summary>
    /// The best matches among pages with ids in [<paramref name="from"/>, <paramref name="to"/>). ORDER BY over bm25()
    /// lets SQLite keep only the best $limit rows as it scores them (FTS5's own "ORDER BY rank" sorts every match before
    /// LIMIT applies). The weights are the 'rank' setting of archive-schema.sql: title 4, text 1.
    /// </summary>
    private static async Task<List<(long PageId, double Score)>> RankRangeAsync(SqliteConnection on, SqliteTransaction? inTransaction,
        string query, int limit, string? site, long from, long to, CancellationToken cancellationToken)
    {
        await using var command = on.CreateCommand();
        command.Transaction = inTransaction;
        command.CommandText = site is null
            ? """
              SELECT rowid, bm25(search_index, 4.0, 1.0) AS score FROM search_index
              WHERE search_index MATCH $query AND rowid >= $from AND rowid < $to
              ORDER BY score, rowid LIMIT $limit
              """
            : """
              SELECT s.rowid, bm25(search_index, 4.0, 1.0) AS score FROM search_index s JOIN pages p ON p.id = s.rowid
              WHERE search_index MATCH $query AND s.rowid >= $from AND s.rowid < $to AND p.site = $site
              ORDER BY score, s.rowid LIMIT $limit
              """;
        command.Parameters.AddWithValue("$query", query);
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$to", to);
        command.Parameters.AddWithValue("$limit", limit);
        if (site is not null) command.Parameters.AddWithValue("$site", site);
        var ranked = new List<(long PageId, double Score)>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            ranked.Add((reader.GetInt64(0), reader.GetDouble(1)));
        return ranked;
    }

    /// <summary>The first <paramref name="count"/> extra search connections: read-only, opened as the store's own was.</summary>
    private List<SqliteConnection> SearchConnections(int count)
    {
        while (searchConnections.Count < count)
        {
            var reader = new SqliteConnection(new SqliteConnectionStringBuilder(connection.ConnectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString());
            try
            {
                reader.Open();
                using var setup = reader.CreateCommand();
                setup.CommandText = $"PRAGMA query_only = ON; PRAGMA busy_timeout = {(int)(options.BusyTimeout ?? ArchiveOptions.DefaultBusyTimeout).TotalMilliseconds}";
                setup.ExecuteNonQuery();
            }
            catch
            {
                reader.Dispose();
                throw;
            }
            searchConnections.Add(reader);
        }
        return searchConnections;
    }

    /// <summary>
    /// The query as plain text for FTS5: each whitespace-separated word an FTS5 string (double quotes doubled inside),
    /// so <c>Wuxi's GDP</c> becomes <c>"Wuxi's" "GDP"</c>: every word must match, each word's own tokens as a phrase.
    /// </summary>
    internal static string AsPlainWords(string query) =>
        string.Join(' ', query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(word => "\"" + word.Replace("\"", "\"\"") + "\""));

    public async Task<ArchiveStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        return await GuardAsync(async () =>
        {
            async Task<long> Count(string sql) => await ScalarAsync<long>(sql, cancellationToken);
            async Task<Dictionary<string, long>> Groups(string sql)
            {
                var groups = new Dictionary<string, long>();
                var command = Command(sql);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    groups[StringOrNull(reader, 0) ?? "(none)"] = reader.GetInt64(1);
                return groups;
            }
            var first = await ScalarAsync<string?>("SELECT min(captured_at) FROM captures", cancellationToken);
            var last = await ScalarAsync<string?>("SELECT max(captured_at) FROM captures", cancellationToken);
            return new ArchiveStats(
                Path,
                new FileInfo(Path).Length,
                (int)await Count("PRAGMA user_version"),
                Pages: await Count("SELECT count(*) FROM pages"),
                ArticlePages: await Count("SELECT count(*) FROM pages WHERE latest_revision_id IS NOT NULL"),
                ContinuationPages: await Count("SELECT count(*) FROM pages WHERE continuation_of IS NOT NULL"),
                Captures: await Count("SELECT count(*) FROM captures"),
                Revisions: await Count("SELECT count(*) FROM revisions"),
                Figures: await Count("SELECT count(*) FROM figures"),
                Bodies: await Count("SELECT count(*) FROM bodies"),
                BodyBytes: await Count("SELECT coalesce(sum(size), 0) FROM bodies"),
                StoredBodyBytes: await Count("SELECT coalesce(sum(length(data)), 0) FROM bodies"),
                Images: await Count("SELECT count(*) FROM images"),
                Runs: await Count("SELECT count(*) FROM runs"),
                FrontierUrls: await Count("SELECT count(*) FROM frontier"),
                FirstCapture: first is null ? null : ParseTime(first),
                LastCapture: last is null ? null : ParseTime(last),
                PagesBySite: await Groups("SELECT site, count(*) FROM pages WHERE latest_revision_id IS NOT NULL GROUP BY site ORDER BY site"),
                LatestRevisionsByExtractor: await Groups(
                    "SELECT r.extractor, count(*) FROM pages p JOIN revisions r ON r.id = p.latest_revision_id GROUP BY r.extractor ORDER BY r.extractor"));
        });
    }

    /// <summary>Every stored capture of an article page (not list pages, not robots.txt), page by page and oldest first, for
    /// re-extraction, each with the URL it was made from.</summary>
    public async Task<IReadOnlyList<StoredCapture>> ListCapturesAsync(CancellationToken cancellationToken = default)
    {
        return await GuardAsync(async () =>
        {
            var command = Command(
                """
                SELECT c.id, c.page_id, coalesce(c.url, p.url), c.captured_at, c.content_type, p.continuation_of IS NOT NULL, c.body_sha256, p.site, p.url
                FROM captures c JOIN pages p ON p.id = c.page_id
                WHERE p.kind = 'article'
                ORDER BY c.page_id, c.captured_at, c.id
                """);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var captures = new List<StoredCapture>();
            while (await reader.ReadAsync(cancellationToken))
                captures.Add(new StoredCapture(
                    reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), ParseTime(reader.GetString(3)),
                    StringOrNull(reader, 4), reader.GetBoolean(5), reader.GetString(6))
                { Site = StringOrNull(reader, 7), PageUrl = reader.GetString(8) });
            return captures;
        });
    }

    /// <summary>
    /// The newest capture of each article page (not continuation pages, list pages or robots.txt) captured at or after <paramref name="since"/>, of one
    /// site or all, in page order: what the site served lately, for <c>scraper rules check</c>.
    /// </summary>
    public async Task<IReadOnlyList<StoredCapture>> ListRecentCapturesAsync(DateTimeOffset since, string? site, CancellationToken cancellationToken = default)
    {
        return await GuardAsync(async () =>
        {
            var command = Command(
                """
                SELECT c.id, c.page_id, p.url, c.captured_at, c.content_type, 0, c.body_sha256, p.site
                FROM pages p JOIN captures c ON c.id = (SELECT id FROM captures WHERE page_id = p.id ORDER BY captured_at DESC, id DESC LIMIT 1)
                WHERE p.kind = 'article' AND p.continuation_of IS NULL AND c.captured_at >= $since AND ($site IS NULL OR p.site = $site)
                ORDER BY p.id
                """, ("$since", FormatTime(since)), ("$site", site));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var captures = new List<StoredCapture>();
            while (await reader.ReadAsync(cancellationToken))
                captures.Add(new StoredCapture(
                    reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), ParseTime(reader.GetString(3)),
                    StringOrNull(reader, 4), false, reader.GetString(6))
                { Site = StringOrNull(reader, 7) });
            return (IReadOnlyList<StoredCapture>)captures;
        });
    }

    /// <summary>The raw (decompressed) body of a capture.</summary>
    public async Task<byte[]> LoadBodyAsync(long captureId, CancellationToken cancellationToken = default)
    {
        return await GuardAsync(async () =>
            await LoadBodyWhereAsync("c.id = $key", captureId, cancellationToken)
            ?? throw new ArchiveException(ArchiveFailure.NotFound, $"capture {captureId} is not in the archive"));
    }

    /// <summary>The body and Content-Type of the newest capture of a URL's page, or null when it was never captured.</summary>
    public async Task<(byte[] Body, string? ContentType)?> LoadLatestBodyAsync(Uri url, CancellationToken cancellationToken = default)
    {
        var canonical = CanonicalUrl.Normalize(url);
        return await GuardAsync(async () =>
        {
            if (await FindPageIdAsync(canonical, cancellationToken) is not { } pageId)
                return ((byte[], string?)?)null;
            var command = Command(
                """
                SELECT c.id, c.content_type FROM captures c
                WHERE c.page_id = $page ORDER BY c.captured_at DESC, c.id DESC LIMIT 1
                """, ("$page", pageId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                return ((byte[], string?)?)null;
            var body = await LoadBodyWhereAsync("c.id = $key", reader.GetInt64(0), cancellationToken);
            return body is null ? null : (body, StringOrNull(reader, 1));
        });
    }

    /// <summary>The ETag and Last-Modified of the newest capture of the URL's page, for a conditional GET.</summary>
    public async Task<ConditionalGetValidators?> GetValidatorsAsync(Uri url, CancellationToken cancellationToken = default)
    {
        var canonical = CanonicalUrl.Normalize(url);
        return await GuardAsync(async () =>
        {
            if (await FindPageIdAsync(canonical, cancellationToken) is not { } pageId)
                return null;
            var command = Command(
                """
                SELECT c.etag, c.last_modified FROM captures c
                WHERE c.page_id = $page ORDER BY c.captured_at DESC, c.id DESC LIMIT 1
                """, ("$page", pageId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new ConditionalGetValidators(StringOrNull(reader, 0), StringOrNull(reader, 1))
                : null;
        });
    }

    /// <summary>
    /// The continuation pages (page 2, 3 …) archived for the article whose page 1 is <paramref name="firstPage"/>, each
    /// with the validators of its newest capture and the URL that capture was fetched from (a mirror host's, if so): a
    /// revisit of page 1 checks them too, since an edit may touch only them.
    /// </summary>
    public async Task<IReadOnlyList<(Uri Url, ConditionalGetValidators Validators)>> GetContinuationValidatorsAsync(Uri firstPage,
        CancellationToken cancellationToken = default)
    {
        var canonical = CanonicalUrl.Normalize(firstPage);
        return await GuardAsync(async () =>
        {
            var siblings = new List<(Uri, ConditionalGetValidators)>();
            if (await FindPageIdAsync(canonical, cancellationToken) is not { } firstId)
                return siblings;
            var command = Command(
                """
                SELECT coalesce(c.url, s.url), c.etag, c.last_modified
                FROM pages s JOIN captures c ON c.id = (SELECT id FROM captures WHERE page_id = s.id ORDER BY captured_at DESC, id DESC LIMIT 1)
                WHERE s.continuation_of = $first
                ORDER BY s.url
                """, ("$first", firstId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                siblings.Add((new Uri(reader.GetString(0)), new ConditionalGetValidators(StringOrNull(reader, 1), StringOrNull(reader, 2))));
            return (IReadOnlyList<(Uri, ConditionalGetValidators)>)siblings;
        });
    }

    private async Task<byte[]?> LoadBodyWhereAsync(string condition, object key, CancellationToken cancellationToken)
    {
        var command = Command(
            $"SELECT b.compression, b.data, b.size FROM captures c JOIN bodies b ON b.sha256 = c.body_sha256 WHERE {condition}",
            ("$key", key));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return BodyCompression.Decompress(reader.GetString(0), (byte[])reader.GetValue(1), reader.GetInt64(2));
    }

    private const string ArticleSelect =
        """
        SELECT p.id, p.url, p.site, p.first_seen, p.last_changed_at, r.id = p.latest_revision_id,
               (SELECT count(*) FROM revisions WHERE page_id = p.id),
               r.id, r.number, r.content_sha256, r.extractor, r.first_seen, r.created_at,
               r.title, r.subtitle, r.section, r.published, r.source, r.byline, r.language, r.paragraphs, r.pages,
               r.published_from, r.provenance,
               (SELECT max(captured_at) FROM captures WHERE page_id = p.id AND revision_id = r.id)
        FROM pages p JOIN revisions r ON r.page_id = p.id
        """;

    private async Task<ArchivedArticle> ReadArticleAsync(SqliteDataReader reader, CancellationToken cancellationToken)
    {
        var revisionId = reader.GetInt64(7);
        var figures = new List<Figure>();
        var command = Command(
            "SELECT src, alt, caption, credit, position, media FROM figures WHERE revision_id = $revision ORDER BY ordinal",
            ("$revision", revisionId));
        await using (var figureReader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await figureReader.ReadAsync(cancellationToken))
                figures.Add(new Figure(
                    figureReader.GetString(0), StringOrNull(figureReader, 1), StringOrNull(figureReader, 2),
                    StringOrNull(figureReader, 3), figureReader.GetInt32(4))
                { Media = StringOrNull(figureReader, 5) });
        }
        var article = new Article
        {
            Url = reader.GetString(1),
            Site = StringOrNull(reader, 2),
            Extractor = reader.GetString(10),
            Title = StringOrNull(reader, 13),
            Subtitle = StringOrNull(reader, 14),
            Section = StringOrNull(reader, 15),
            Published = StringOrNull(reader, 16),
            PublishedFrom = StringOrNull(reader, 22),
            Source = StringOrNull(reader, 17),
            Byline = StringOrNull(reader, 18),
            Language = StringOrNull(reader, 19),
            Paragraphs = JsonSerializer.Deserialize(reader.GetString(20), ScraperJsonContext.Default.ListString) ?? [],
            Figures = figures,
            Pages = reader.GetInt32(21),
            Provenance = StringOrNull(reader, 23) is { } provenance ? ProvenanceJson.Read(provenance) : FieldProvenance.None,
        };
        var aliases = new List<string>();
        var aliasCommand = Command(
            """
            SELECT a.url FROM pages p JOIN page_aliases a ON a.key = p.key OR a.page_id = p.id
            WHERE p.id = $page AND a.url <> p.url ORDER BY a.first_seen, a.url
            """, ("$page", reader.GetInt64(0)));
        await using (var aliasReader = await aliasCommand.ExecuteReaderAsync(cancellationToken))
            while (await aliasReader.ReadAsync(cancellationToken))
                aliases.Add(aliasReader.GetString(0));
        return new ArchivedArticle(
            article,
            PageId: reader.GetInt64(0),
            Revision: reader.GetInt32(8),
            Revisions: reader.GetInt32(6),
            ContentSha256: reader.GetString(9),
            CapturedAt: ParseTime(reader.GetString(11)),
            CreatedAt: ParseTime(reader.GetString(12)),
            FirstSeen: ParseTime(reader.GetString(3)),
            LastChanged: ParseTimeOrNull(reader, 4),
            IsLatest: reader.GetBoolean(5))
        {
            LastCapturedAt = ParseTimeOrNull(reader, 24),
            Aliases = aliases,
        };
    }

    private async IAsyncEnumerable<T> Guarded<T>(IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var items = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            T item;
            try
            {
                if (!await items.MoveNextAsync())
                    yield break;
                item = items.Current;
            }
            catch (SqliteException e)
            {
                throw ArchiveException.From(e, displayPath);
            }
            yield return item;
        }
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
