namespace Scraper.Archive.Postgres;

/// <summary>
/// PostgreSQL's full-text search: one <c>tsvector</c> per article page in <c>search_index</c> (a GIN index), its title
/// weighted A and its text D, with the <c>simple</c> configuration (words lower-cased, no stemming, no stop words: as
/// FTS5's unicode61 tokenizer reads them on SQLite). Queries are web-search syntax (<c>websearch_to_tsquery</c>), which
/// reads any text: words (all must match), "quoted phrases", <c>or</c>, and <c>-word</c> to exclude. Ranked by
/// <c>ts_rank</c> with the title counting four times the text (as bm25(4.0, 1.0) does on SQLite), scores negated so
/// that, as there, the lower the better; snippets by <c>ts_headline</c> for the hits shown.
/// </summary>
internal sealed class PostgresSearch : SearchBackend
{
    private const string Configuration = "'simple'";

    /// <summary>ts_rank's weights of D, C, B and A: the title (A) four times the text (D).</summary>
    private const string Weights = "'{0.25, 0.25, 0.25, 1.0}'";

    internal PostgresSearch(ArchiveDatabase database) : base(database)
    {
    }

    public override async Task IndexQueuedAsync(CancellationToken ct)
    {
        await ExecuteAsync("DELETE FROM search_index WHERE page_id IN (SELECT page_id FROM search_queue)", ct);
        await ExecuteAsync(
            $"""
            INSERT INTO search_index (page_id, document)
            SELECT s.page_id, setweight(to_tsvector({Configuration}, s.title), 'A') || setweight(to_tsvector({Configuration}, s.text), 'D')
            FROM search_queue q JOIN search_source s ON s.page_id = q.page_id
            """, ct);
        await ExecuteAsync("DELETE FROM search_queue", ct);
    }

    public override async Task RemoveEntryAsync(long pageId, CancellationToken ct) =>
        await ExecuteAsync("DELETE FROM search_index WHERE page_id = $page", ct, ("$page", pageId));

    public override async Task<IReadOnlyList<SearchHit>> SearchAsync(
        string query, int limit, string? site, string highlightStart, string highlightEnd, CancellationToken cancellationToken)
    {
        var ranked = new List<(long PageId, double Score)>(limit);
        var rank = Command(
            $"""
            SELECT s.page_id, ts_rank({Weights}, s.document, q.query, 1) AS rank
            FROM search_index s JOIN pages p ON p.id = s.page_id, websearch_to_tsquery({Configuration}, $query) AS q (query)
            WHERE s.document @@ q.query AND (CAST($site AS TEXT) IS NULL OR p.site = $site)
            ORDER BY rank DESC, s.page_id LIMIT $limit
            """, ("$query", query), ("$site", site), ("$limit", limit));
        await using (var reader = await rank.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                ranked.Add((reader.GetInt64(0), -reader.GetFloat(1)));

        // Headlines read an article's whole text, so they are made for the hits shown and no others.
        var options = $"StartSel=\"{Unquoted(highlightStart)}\", StopSel=\"{Unquoted(highlightEnd)}\", MaxWords=16, MinWords=8, MaxFragments=1, FragmentDelimiter=\" … \"";
        var hits = new List<SearchHit>(ranked.Count);
        foreach (var (pageId, score) in ranked)
        {
            var details = Command(
                $"""
                SELECT p.url, s.title, s.text,
                       ts_headline({Configuration}, CASE WHEN to_tsvector({Configuration}, s.text) @@ q.query THEN s.text ELSE s.title END, q.query, $options)
                FROM search_source s JOIN pages p ON p.id = s.page_id, websearch_to_tsquery({Configuration}, $query) AS q (query)
                WHERE s.page_id = $id
                """, ("$query", query), ("$options", options), ("$id", pageId));
            await using var reader = await details.ExecuteReaderAsync(cancellationToken);
            // A page a writer took out of the index since the ranking is left out.
            if (await reader.ReadAsync(cancellationToken))
                hits.Add(new SearchHit(pageId, reader.GetString(0), NullIfEmpty(reader.GetString(1)),
                    Ellipsised(reader.GetString(3), reader.GetString(1), reader.GetString(2), highlightStart, highlightEnd), score));
        }
        return hits;
    }

    /// <summary>ts_headline's option string quotes its values in double quotes, which therefore cannot hold one.</summary>
    private static string Unquoted(string marker) => marker.Replace("\"", "", StringComparison.Ordinal);

    /// <summary>An ellipsis where the headline starts after its text's start or ends before its end, as FTS5's snippets show.</summary>
    private static string Ellipsised(string headline, string title, string text, string open, string close)
    {
        var plain = headline.Replace(Unquoted(open), "", StringComparison.Ordinal).Replace(Unquoted(close), "", StringComparison.Ordinal).Trim();
        var whole = text.Contains(plain, StringComparison.Ordinal) ? text : title;
        var result = headline.Trim();
        if (plain.Length > 0 && !whole.StartsWith(plain, StringComparison.Ordinal)) result = "…" + result;
        if (plain.Length > 0 && !whole.EndsWith(plain, StringComparison.Ordinal)) result += "…";
        return result;
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
