using System.Globalization;
using System.Runtime.CompilerServices;

namespace Scraper.Archive;

/// <summary>The readers behind <c>scraper export</c>: figures and raw captures, streamed in archive order.</summary>
public sealed partial class ArchiveStore
{
    /// <summary>
    /// The figures of the selected revisions (see <see cref="PageFilter"/>): pages in archive order, revisions
    /// oldest first, figures in document order.
    /// </summary>
    public IAsyncEnumerable<ArchivedFigure> ReadFiguresAsync(PageFilter? filter = null, CancellationToken cancellationToken = default) =>
        Guarded(ReadFiguresCoreAsync(filter ?? new PageFilter(), cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ArchivedFigure> ReadFiguresCoreAsync(PageFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (selected, parameters) = SelectedPages(filter);
        await using var command = NewCommand(
            $"""
            SELECT p.url, r.number, f.ordinal, f.src, f.alt, f.caption, f.credit, f.position, f.image_sha256, f.media
            FROM pages p JOIN revisions r ON r.page_id = p.id JOIN figures f ON f.revision_id = r.id
            WHERE {SelectedRevisions(filter)} AND {selected}
            ORDER BY p.id, r.number, f.ordinal
            """, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new ArchivedFigure(
                reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), StringOrNull(reader, 4),
                StringOrNull(reader, 5), StringOrNull(reader, 6), reader.GetInt32(7), StringOrNull(reader, 8)) { Media = StringOrNull(reader, 9) };
    }

    /// <summary>
    /// The raw captures of the selected article pages and of their continuation pages (page 2, 3 … of a split
    /// article): each page's newest capture, or with <see cref="PageFilter.AllRevisions"/> every capture, oldest first.
    /// Article pages in archive order, each followed by its continuation pages. Bodies are read one at a time. A capture's
    /// URL is the one it was fetched or imported from (an alias of the page, if so).
    /// </summary>
    public IAsyncEnumerable<ArchivedCapture> ReadCapturesAsync(PageFilter? filter = null, CancellationToken cancellationToken = default) =>
        Guarded(ReadCapturesCoreAsync(filter ?? new PageFilter(), cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ArchivedCapture> ReadCapturesCoreAsync(PageFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (selected, parameters) = SelectedPages(filter);
        var which = filter.AllRevisions
            ? ""
            // The newest capture that holds its body itself: a 304 only confirms an earlier one.
            : "AND c.id = (SELECT id FROM captures WHERE page_id = cp.id AND coalesce(http_status, 0) <> 304 ORDER BY captured_at DESC, id DESC LIMIT 1)";
        // The rows to sort carry no body: a body is loaded by key only when the consumer asks, so memory holds one at a time.
        await using var command = NewCommand(
            $"""
            SELECT c.id, coalesce(c.url, cp.url), c.captured_at, c.origin, c.http_status, c.etag, c.last_modified, c.content_type, c.body_sha256, b.size
            FROM pages cp
            JOIN pages p ON p.id = coalesce(cp.continuation_of, cp.id)
            JOIN captures c ON c.page_id = cp.id
            JOIN bodies b ON b.sha256 = c.body_sha256
            WHERE {selected} {which}
            ORDER BY p.id, cp.id, c.captured_at, c.id
            """, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var captureId = reader.GetInt64(0);
            yield return new ArchivedCapture(
                captureId, reader.GetString(1), ParseTime(reader.GetString(2)),
                reader.GetString(3) == "import" ? CaptureOrigin.Import : CaptureOrigin.Fetch,
                reader.IsDBNull(4) ? null : reader.GetInt32(4), StringOrNull(reader, 5), StringOrNull(reader, 6),
                StringOrNull(reader, 7), reader.GetString(8), reader.GetInt64(9),
                async ct => await LoadBodyWhereAsync("c.id = $key", captureId, ct)
                    ?? throw new ArchiveException(ArchiveFailure.Corrupt, $"capture {captureId} has no stored body"));
        }
    }

    /// <summary>
    /// The SQL condition on the article page <c>p</c> that <paramref name="filter"/> selects, and its parameters.
    /// Only the conditions that apply are written, so SQLite plans each query for what it really asks.
    /// </summary>
    private static (string Sql, (string Name, object? Value)[] Parameters) SelectedPages(PageFilter filter)
    {
        var conditions = new List<string> { "p.latest_revision_id IS NOT NULL" };
        var parameters = new List<(string, object?)>();
        if (filter.Site is not null)
        {
            conditions.Add("p.site = $site");
            parameters.Add(("$site", filter.Site));
        }
        if (filter.ChangedSince is { } changedSince)
        {
            conditions.Add("p.last_changed_at >= $changedSince");
            parameters.Add(("$changedSince", FormatTime(changedSince)));
        }
        // Published dates are ISO dates ('2023-11-23'), so they compare as text; a missing date compares as NULL: left out.
        const string published = "(SELECT substr(published, 1, 10) FROM revisions WHERE id = p.latest_revision_id)";
        if (filter.PublishedSince is { } since)
        {
            conditions.Add($"{published} >= $publishedSince");
            parameters.Add(("$publishedSince", since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }
        if (filter.PublishedUntil is { } until)
        {
            conditions.Add($"{published} <= $publishedUntil");
            parameters.Add(("$publishedUntil", until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }
        return (string.Join(" AND ", conditions), parameters.ToArray());
    }

    /// <summary>The join condition of revisions <c>r</c> to page <c>p</c>: the current revision, or all of them.</summary>
    private static string SelectedRevisions(PageFilter filter) =>
        filter.AllRevisions ? "r.page_id = p.id" : "r.id = p.latest_revision_id";
}
