using System.Runtime.CompilerServices;

namespace Scraper.Archive;

/// <summary>
/// A moment a page's article changed as the archive saw it: a capture showing another revision than the page's capture
/// before it (or the page's first capture with an article). New articles, new revisions and a page going back to an
/// earlier revision are all such moments; a re-fetch of the same article, a 304 and a sidebar change are not.
/// </summary>
/// <param name="CaptureId">The capture that first showed the change; with <see cref="Url"/> it names the change for good.</param>
/// <param name="SeenAt">When that capture was made.</param>
/// <param name="Revision">The revision the page showed from then on.</param>
/// <param name="PreviousRevision">The revision it showed before; null for a new article.</param>
/// <param name="RunId">The crawl run that made the capture; null for imports.</param>
public sealed record ArticleChange(
    long CaptureId,
    long PageId,
    string Url,
    string? Site,
    DateTimeOffset SeenAt,
    int Revision,
    int? PreviousRevision,
    string ContentSha256,
    long? RunId)
{
    public bool IsNew => PreviousRevision is null;
}

/// <summary>The queries of the watching stage (feed, notifications, report): read-only.</summary>
public sealed class ChangeReader : ArchiveRole
{
    internal ChangeReader(ArchiveDatabase database) : base(database)
    {
    }

    /// <summary>
    /// The capture that showed each change, with the revision it showed and the one its page's previous capture with an
    /// article showed (captures compared in time order; a capture without an article, such as a continuation page's, is
    /// passed over). The caller adds the condition on <c>c</c> and <c>p</c>.
    /// </summary>
    private const string ArticleChangeSelect =
        """
        SELECT c.id, p.id, p.url, p.site, c.captured_at, r.number, prev.number, r.content_sha256, c.run_id
        FROM captures c
        JOIN pages p ON p.id = c.page_id
        JOIN revisions r ON r.id = c.revision_id
        LEFT JOIN revisions prev ON prev.id =
            (SELECT e.revision_id FROM captures e
             WHERE e.page_id = c.page_id AND e.revision_id IS NOT NULL
               AND (e.captured_at < c.captured_at OR e.captured_at = c.captured_at AND e.id < c.id)
             ORDER BY e.captured_at DESC, e.id DESC LIMIT 1)
        """;

    /// <summary>
    /// The article changes seen at or after <paramref name="since"/> (see <see cref="ArticleChange"/>), oldest first,
    /// of one site family or all. A page that changed twice in the window gives two changes.
    /// </summary>
    public IAsyncEnumerable<ArticleChange> ReadArticleChangesAsync(DateTimeOffset since, string? site = null, CancellationToken cancellationToken = default) =>
        Guarded(ReadArticleChangesCoreAsync(
            "c.captured_at >= $since AND (CAST($site AS TEXT) IS NULL OR p.site = $site)",
            [("$since", FormatTime(since)), ("$site", site)], cancellationToken), cancellationToken);

    /// <summary>The article changes the captures of crawl run <paramref name="runId"/> showed, oldest first.</summary>
    public IAsyncEnumerable<ArticleChange> ReadRunArticleChangesAsync(long runId, CancellationToken cancellationToken = default) =>
        Guarded(ReadArticleChangesCoreAsync("c.run_id = $run", [("$run", runId)], cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ArticleChange> ReadArticleChangesCoreAsync(string condition, (string Name, object? Value)[] parameters,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = await NewCommandAsync(
            ArticleChangeSelect + $"""

            WHERE {condition} AND (prev.id IS NULL OR prev.id <> r.id)
            ORDER BY c.captured_at, c.id
            """, cancellationToken, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new ArticleChange(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), StringOrNull(reader, 3), ParseTime(reader.GetString(4)),
                Int32(reader, 5), reader.IsDBNull(6) ? null : Int32(reader, 6), reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetInt64(8));
    }
    // The archive report's reads (scraper report): few, and each over a table once.

    /// <summary>
    /// Every revision with its page's site, one site family or all, in storage order: one pass over the revisions, from
    /// which the report makes all its article and revision counts (each a separate aggregate query would read the
    /// revisions, paragraphs and all, once more).
    /// </summary>
    public IAsyncEnumerable<RevisionFact> ReadRevisionFactsAsync(string? site = null, CancellationToken cancellationToken = default) =>
        Guarded(ReadRevisionFactsCoreAsync(site, cancellationToken), cancellationToken);

    private async IAsyncEnumerable<RevisionFact> ReadRevisionFactsCoreAsync(string? site, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The revisions read in storage order, each page looked up by its key (an inner join both engines plan so).
        await using var command = await NewCommandAsync(
            """
            SELECT r.page_id, r.number, r.id = p.latest_revision_id, p.site, r.published, r.source, r.section, r.first_seen
            FROM revisions r JOIN pages p ON p.id = r.page_id
            WHERE CAST($site AS TEXT) IS NULL OR p.site = $site
            """, cancellationToken, ("$site", site));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new RevisionFact(reader.GetInt64(0), Int32(reader, 1), reader.GetBoolean(2), StringOrNull(reader, 3),
                StringOrNull(reader, 4), StringOrNull(reader, 5), StringOrNull(reader, 6), reader.GetString(7));
    }

    /// <summary>The captures made since <paramref name="since"/> (all when null) of one site family's pages or all pages.</summary>
    public async Task<CaptureSpan> CountCapturesAsync(DateTimeOffset? since, string? site, CancellationToken cancellationToken = default) =>
        await GuardAsync(async () =>
        {
            var command = Command(
                """
                SELECT count(*), min(c.captured_at), max(c.captured_at) FROM captures c JOIN pages p ON p.id = c.page_id
                WHERE (CAST($site AS TEXT) IS NULL OR p.site = $site) AND (CAST($since AS TEXT) IS NULL OR c.captured_at >= $since)
                """, ("$site", site), ("$since", since is { } t ? FormatTime(t) : null));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new CaptureSpan(reader.GetInt64(0), ParseTimeOrNull(reader, 1), ParseTimeOrNull(reader, 2));
        });

}

/// <summary>One revision as the archive report counts it: which page, which number, and the fields it groups by.</summary>
/// <param name="IsLatest">Whether it is its page's current revision (the article as the report counts it).</param>
/// <param name="FirstSeen">When its content was first captured, as stored (ISO 8601 UTC text, which sorts as time).</param>
public sealed record RevisionFact(long PageId, int Number, bool IsLatest, string? Site, string? Published, string? Source, string? Section, string FirstSeen);

/// <summary>How many captures a window holds, and the first and last of them.</summary>
public sealed record CaptureSpan(long Captures, DateTimeOffset? First, DateTimeOffset? Last);
