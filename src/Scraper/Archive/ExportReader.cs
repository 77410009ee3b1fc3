using System.Globalization;
using System.Runtime.CompilerServices;

namespace Scraper.Archive;

/// <summary>The readers behind <c>scraper export</c>: figures and raw captures, streamed in archive order.</summary>
public sealed class ExportReader : ArchiveRole
{
    private readonly ArchiveReader reader;

    internal ExportReader(ArchiveDatabase database, ArchiveReader reader) : base(database) => this.reader = reader;

    /// <summary>
    /// The figures of the selected revisions (see <see cref="PageFilter"/>): pages in archive order, revisions
    /// oldest first, figures in document order.
    /// </summary>
    public IAsyncEnumerable<ArchivedFigure> ReadFiguresAsync(PageFilter? filter = null, CancellationToken cancellationToken = default) =>
        Guarded(ReadFiguresCoreAsync(filter ?? new PageFilter(), cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ArchivedFigure> ReadFiguresCoreAsync(PageFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (selected, parameters) = PageFilterSql.SelectedPages(filter);
        await using var command = await NewCommandAsync(
            $"""
            SELECT p.url, r.number, f.ordinal, f.src, f.alt, f.caption, f.credit, f.position, f.image_sha256, f.media
            FROM pages p JOIN revisions r ON r.page_id = p.id JOIN figures f ON f.revision_id = r.id
            WHERE {PageFilterSql.SelectedRevisions(filter)} AND {selected}
            ORDER BY p.id, r.number, f.ordinal
            """, cancellationToken, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new ArchivedFigure(
                reader.GetString(0), Int32(reader, 1), Int32(reader, 2), reader.GetString(3), StringOrNull(reader, 4),
                StringOrNull(reader, 5), StringOrNull(reader, 6), Int32(reader, 7), StringOrNull(reader, 8))
            { Media = StringOrNull(reader, 9) };
    }

    /// <summary>
    /// The raw captures of the selected article pages and of their continuation pages (page 2, 3 … of a split
    /// article): each page's newest capture, or with <see cref="PageFilter.AllRevisions"/> every capture, oldest first.
    /// Article pages in archive order, each followed by its continuation pages. Bodies are read one at a time. A capture's
    /// URL is the one it was fetched or imported from (an alias of the page, if so).
    /// </summary>
    public IAsyncEnumerable<ArchivedCapture> ReadCapturesAsync(PageFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= new PageFilter();
        var (selected, parameters) = PageFilterSql.SelectedPages(filter);
        return Guarded(ReadCapturesCoreAsync(
            $"""
            FROM pages cp
            JOIN pages p ON p.id = coalesce(cp.continuation_of, cp.id)
            {CaptureJoins}
            WHERE {selected} {WhichCaptures(filter)}
            ORDER BY p.id, cp.id, c.captured_at, c.id
            """, parameters, null, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The raw captures of every other page: pages with no article that are no part of one (section lists, robots.txt,
    /// sitemaps, pages the extractors found nothing in), as <see cref="ReadCapturesAsync"/> gives the article pages'.
    /// They have no published date, so a filter on it selects none of them; <see cref="PageFilter.ChangedSince"/>
    /// selects those whose newest body was first captured since then; <paramref name="include"/> (by URL) stands for the
    /// site filter, since such pages may belong to no site's rules.
    /// </summary>
    public IAsyncEnumerable<ArchivedCapture> ReadOtherCapturesAsync(PageFilter? filter = null, Func<string, bool>? include = null,
        CancellationToken cancellationToken = default)
    {
        filter ??= new PageFilter();
        if (filter.PublishedSince is not null || filter.PublishedUntil is not null)
            return AsyncEnumerable.Empty<ArchivedCapture>();
        const string newestBody =
            "(SELECT body_sha256 FROM captures WHERE page_id = cp.id AND coalesce(http_status, 0) <> 304 ORDER BY captured_at DESC, id DESC LIMIT 1)";
        var changed = filter.ChangedSince is null ? ""
            : $"AND (SELECT min(captured_at) FROM captures WHERE page_id = cp.id AND body_sha256 = {newestBody}) >= $changedSince";
        return Guarded(ReadCapturesCoreAsync(
            $"""
            FROM pages cp
            {CaptureJoins}
            WHERE cp.latest_revision_id IS NULL
              AND (cp.continuation_of IS NULL OR NOT EXISTS (SELECT 1 FROM pages f1 WHERE f1.id = cp.continuation_of AND f1.latest_revision_id IS NOT NULL))
              {changed} {WhichCaptures(filter)}
            ORDER BY cp.id, c.captured_at, c.id
            """, filter.ChangedSince is { } since ? [("$changedSince", FormatTime(since))] : [], include, cancellationToken), cancellationToken);
    }

    /// <summary>The captures of page <c>cp</c> and what the WARC records say about each.</summary>
    private const string CaptureJoins =
        """
        JOIN captures c ON c.page_id = cp.id
        JOIN bodies b ON b.sha256 = c.body_sha256
        LEFT JOIN capture_requests q ON q.capture_id = c.id
        LEFT JOIN pages first ON first.id = cp.continuation_of
        LEFT JOIN revisions rv ON rv.id = c.revision_id
        LEFT JOIN frontier fr ON fr.url = coalesce(c.url, cp.url)
        """;

    /// <summary>Every capture, or only the newest one that holds its body itself (a 304 only confirms an earlier one).</summary>
    private static string WhichCaptures(PageFilter filter) => filter.AllRevisions
        ? ""
        : "AND c.id = (SELECT id FROM captures WHERE page_id = cp.id AND coalesce(http_status, 0) <> 304 ORDER BY captured_at DESC, id DESC LIMIT 1)";

    private async IAsyncEnumerable<ArchivedCapture> ReadCapturesCoreAsync(string from, (string Name, object? Value)[] parameters,
        Func<string, bool>? include, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The rows to sort carry no body: a body is loaded by key only when the consumer asks, so memory holds one at a time.
        await using var command = await NewCommandAsync(
            $"""
            SELECT c.id, coalesce(c.url, cp.url), c.captured_at, c.origin, c.http_status, c.etag, c.last_modified, c.content_type, c.body_sha256, b.size,
                   q.request, first.url, rv.number, rv.extractor, rv.content_sha256, fr.kind, c.run_id
            {from}
            """, cancellationToken, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var url = reader.GetString(1);
            if (include is not null && !include(url))
                continue;
            var captureId = reader.GetInt64(0);
            yield return new ArchivedCapture(
                captureId, url, ParseTime(reader.GetString(2)),
                reader.GetString(3) == "import" ? CaptureOrigin.Import : CaptureOrigin.Fetch,
                reader.IsDBNull(4) ? null : Int32(reader, 4), StringOrNull(reader, 5), StringOrNull(reader, 6),
                StringOrNull(reader, 7), reader.GetString(8), reader.GetInt64(9),
                async ct => await this.reader.LoadBodyWhereAsync("c.id = $key", captureId, ct)
                    ?? throw new ArchiveException(ArchiveFailure.Corrupt, $"capture {captureId} has no stored body"))
            {
                RequestHead = StringOrNull(reader, 10),
                ContinuationOf = StringOrNull(reader, 11),
                Revision = reader.IsDBNull(12) ? null : Int32(reader, 12),
                Extractor = StringOrNull(reader, 13),
                ContentSha256 = StringOrNull(reader, 14),
                CrawledAs = StringOrNull(reader, 15),
                RunId = reader.IsDBNull(16) ? null : reader.GetInt64(16),
            };
        }
    }

    /// <summary>
    /// The stored images shown by the figures of the selected revisions (see <see cref="PageFilter"/>), one per address,
    /// in the order they were fetched. An image fetched from several addresses comes once per address.
    /// </summary>
    public IAsyncEnumerable<ArchivedImage> ReadImagesAsync(PageFilter? filter = null, CancellationToken cancellationToken = default) =>
        Guarded(ReadImagesCoreAsync(filter ?? new PageFilter(), cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ArchivedImage> ReadImagesCoreAsync(PageFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (selected, parameters) = PageFilterSql.SelectedPages(filter);
        await using var command = await NewCommandAsync(
            $"""
            WITH shown AS (
                SELECT fig.src, fig.image_sha256 AS sha256, min(r.first_seen) AS first_shown
                FROM pages p JOIN revisions r ON {PageFilterSql.SelectedRevisions(filter)} JOIN figures fig ON fig.revision_id = r.id
                WHERE {selected} AND fig.image_sha256 IS NOT NULL
                GROUP BY fig.src, fig.image_sha256)
            SELECT s.src, s.sha256, coalesce(f.content_type, i.content_type), i.size, coalesce(f.fetched_at, s.first_shown), f.http_status, f.request
            FROM shown s JOIN images i ON i.sha256 = s.sha256 LEFT JOIN image_fetches f ON f.url = s.src AND f.sha256 = s.sha256
            ORDER BY coalesce(f.fetched_at, s.first_shown), s.src
            """, cancellationToken, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var sha256 = reader.GetString(1);
            yield return new ArchivedImage(
                reader.GetString(0), sha256, StringOrNull(reader, 2), reader.GetInt64(3), ParseTime(reader.GetString(4)),
                reader.IsDBNull(5) ? null : Int32(reader, 5), StringOrNull(reader, 6),
                async ct => await LoadImageAsync(sha256, ct));
        }
    }

    private async Task<byte[]> LoadImageAsync(string sha256, CancellationToken cancellationToken)
    {
        var command = Command("SELECT data FROM images WHERE sha256 = $sha", ("$sha", sha256));
        return await command.ExecuteScalarAsync(cancellationToken) as byte[]
            ?? throw new ArchiveException(ArchiveFailure.Corrupt, $"image {sha256} has no stored data");
    }

}
