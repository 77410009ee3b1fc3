using Microsoft.Data.Sqlite;

namespace Scraper.Archive.Sqlite;

/// <summary>
/// SQLite's full-text search: the FTS5 table <c>search_index</c> (archive-schema.sql), ranked with bm25 (title 4, text 1),
/// snippets by FTS5's <c>snippet()</c>.
/// </summary>
internal sealed class Fts5Search : SearchBackend
{
    // Further read-only connections to the same file, opened by the first search that spreads over several.
    private readonly List<SqliteConnection> searchConnections = [];

    internal Fts5Search(ArchiveDatabase database) : base(database)
    {
    }

    public override async Task IndexQueuedAsync(CancellationToken ct)
    {
        // An entry is removed with exactly the values it was indexed with: the index holds no copy of the text.
        await ExecuteAsync(
            """
            INSERT INTO search_index (search_index, rowid, title, text)
            SELECT 'delete', q.page_id, t.title, t.text
            FROM search_queue q JOIN revision_text t ON t.revision_id = q.indexed_revision_id
            """, ct);
        await ExecuteAsync(
            """
            INSERT INTO search_index (rowid, title, text)
            SELECT s.page_id, s.title, s.text FROM search_queue q JOIN search_source s ON s.page_id = q.page_id
            """, ct);
        await ExecuteAsync("DELETE FROM search_queue", ct);
    }

    public override async Task RemoveEntryAsync(long pageId, CancellationToken ct)
    {
        // Removed with exactly the text it was indexed with: that of the queued revision if the page is queued, else its current one.
        await ExecuteAsync(
            """
            INSERT INTO search_index (search_index, rowid, title, text)
            SELECT 'delete', $page, t.title, t.text FROM revision_text t
            WHERE t.revision_id = CASE WHEN EXISTS (SELECT 1 FROM search_queue WHERE page_id = $page)
                                       THEN (SELECT indexed_revision_id FROM search_queue WHERE page_id = $page)
                                       ELSE (SELECT latest_revision_id FROM pages WHERE id = $page) END
            """, ct, ("$page", pageId));
    }

    /// <summary>
    /// Full-text search (FTS5 query syntax) over the title and text of each page's current revision, best first.
    /// A query FTS5 accepts keeps its meaning (AND, OR, NOT, "phrases", prefix*, NEAR, title: filters); one it rejects
    /// (<c>Wuxi's</c>, <c>1.49</c>, <c>R&amp;D</c>, <c>"unbalanced</c>, <c>Video: metro</c>) is searched again as plain
    /// words (<see cref="AsPlainWords"/>), so plain text always searches. The query is bound as a parameter, never
    /// spliced into SQL; only a query rejected in both forms is <see cref="ArchiveFailure.InvalidQuery"/>.
    /// </summary>
    public override async Task<IReadOnlyList<SearchHit>> SearchAsync(
        string query, int limit, string? site, string highlightStart, string highlightEnd, CancellationToken cancellationToken)
    {
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
            throw SqliteEngine.From(e, DisplayPath);
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
        var partitions = (int)Math.Clamp((maxPageId + Options.PagesPerSearchPartition - 1) / Math.Max(1, Options.PagesPerSearchPartition),
            1, Options.EffectiveSearchParallelism);
        if (partitions == 1)
            return await RankRangeAsync((SqliteConnection)Database.Connection, (SqliteTransaction?)Database.Transaction?.Transaction, query, limit, site, long.MinValue, long.MaxValue, cancellationToken);

        var readers = SearchConnections(partitions - 1);
        var width = (maxPageId + partitions) / partitions;
        var ranges = Enumerable.Range(0, partitions)
            .Select(i => (From: i == 0 ? long.MinValue : i * width, To: i == partitions - 1 ? long.MaxValue : (i + 1) * width))
            .ToArray();
        // Microsoft.Data.Sqlite runs statements synchronously, so each range needs a thread of its own. WhenAll waits for
        // every range, failed or not, so no connection is left busy behind the caller's back.
        var results = await Task.WhenAll(ranges.Select((range, i) => Task.Run(
            () => RankRangeAsync(i == 0 ? (SqliteConnection)Database.Connection : readers[i - 1], i == 0 ? (SqliteTransaction?)Database.Transaction?.Transaction : null, query, limit, site, range.From, range.To, cancellationToken),
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
            var reader = new SqliteConnection(new SqliteConnectionStringBuilder(Database.Connection.ConnectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString());
            try
            {
                reader.Open();
                using var setup = reader.CreateCommand();
                setup.CommandText = $"PRAGMA query_only = ON; PRAGMA busy_timeout = {(int)(Options.BusyTimeout ?? ArchiveOptions.DefaultBusyTimeout).TotalMilliseconds}";
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

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    /// <summary>Closes the extra search connections.</summary>
    public override void Dispose()
    {
        foreach (var reader in searchConnections)
            reader.Dispose();
        searchConnections.Clear();
    }
}
