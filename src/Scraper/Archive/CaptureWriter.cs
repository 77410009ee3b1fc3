using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Scraper.Extraction;

namespace Scraper.Archive;

/// <summary>
/// Pages and their captures: every fetch or import of a page is a capture (its body stored once by sha256), and the
/// article extracted from it becomes or confirms a revision (<see cref="RevisionWriter"/>). One transaction per page.
/// </summary>
public sealed class CaptureWriter : ArchiveRole
{
    private readonly PageRows pages;
    private readonly RevisionWriter revisionWriter;
    private readonly ArchiveSearch search;

    internal CaptureWriter(ArchiveDatabase database, PageRows pages, RevisionWriter revisions, ArchiveSearch search) : base(database)
    {
        this.pages = pages;
        revisionWriter = revisions;
        this.search = search;
    }

    /// <summary>A body as the <c>bodies</c> table holds it.</summary>
    internal sealed record CompressedBody(string Compression, byte[] Data);

    /// <summary>
    /// Derives what storing a body and its article needs (sha256, brotli-compressed body, the article's content hash and
    /// JSON) without touching the archive: thread-safe, so a pipeline does it beside the single writer (the crawler's fetch
    /// workers do), and <see cref="StorePreparedAsync"/>
    /// then only writes. The body is compressed even when the archive holds it already: that costs the preparing thread,
    /// not the writer.
    /// </summary>
    public static PreparedPage Prepare(ReadOnlyMemory<byte> body, Article? article) => Prepare(body, article, compress: true);

    private static PreparedPage Prepare(ReadOnlyMemory<byte> body, Article? article, bool compress)
    {
        var (compression, data) = compress ? BodyCompression.Compress(body.Span) : default;
        return new PreparedPage(body, article, Convert.ToHexStringLower(SHA256.HashData(body.Span)))
        {
            Compressed = compress ? new CompressedBody(compression, data) : null,
            PreparedArticle = article is null ? null : RevisionWriter.Prepare(article),
        };
    }

    /// <summary>
    /// Stores one capture of a page and, when given, the article extracted from it, in one transaction.
    /// Every fetch is a capture (its body stored once however often it is seen); an import whose body equals the
    /// page's newest capture adds nothing, so importing the same file again records nothing new. An article equal
    /// to one of the page's revisions (by <see cref="ArticleContentHash"/>) adds no revision.
    /// </summary>
    /// <param name="article">The extracted article, or null when the page has none (list pages, failed extraction).</param>
    /// <param name="alsoInTransaction">More writes that must commit with the page or not at all (the crawler's frontier and run counts).</param>
    public async Task<StoreResult> StorePageAsync(PageCapture capture, Article? article, CancellationToken cancellationToken = default,
        Func<StoreResult, ArchiveTransaction, Task>? alsoInTransaction = null)
    {
        ArgumentNullException.ThrowIfNull(capture);
        EnsureWritable();
        var prepared = Prepare(capture.Body, article, compress: false);
        return await GuardAsync(async () =>
        {
            // Compressing takes longer than the transaction; do it before taking the lock, and only for a new body.
            if (!await BodyExistsAsync(prepared.BodySha256, cancellationToken))
                prepared = prepared with { Compressed = Compress(capture.Body) };
            var stored = await StoreAsync(capture, prepared, alsoInTransaction, cancellationToken);
            await search.IndexQueuedWhenDueAsync(cancellationToken);
            return stored;
        });
    }

    /// <summary>
    /// <see cref="StorePageAsync"/> for a body and article made ready by <see cref="Prepare(ReadOnlyMemory{byte}, Article?)"/>:
    /// the writer does no hashing or compression.
    /// </summary>
    /// <param name="prepared">Made from this capture's body (the same memory).</param>
    /// <param name="continuations">Page 1's continuation pages (each with <see cref="PageCapture.ContinuationOf"/>), stored in
    /// the same transaction before it: a kill cannot leave them stored without page 1.</param>
    public async Task<StoreResult> StorePreparedAsync(PageCapture capture, PreparedPage prepared, CancellationToken cancellationToken = default,
        Func<StoreResult, ArchiveTransaction, Task>? alsoInTransaction = null,
        IReadOnlyList<(PageCapture Capture, PreparedPage Prepared)>? continuations = null)
    {
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(prepared);
        if (!capture.Body.Equals(prepared.Body))
            throw new ArgumentException("the prepared page was made from another body than the capture's", nameof(prepared));
        EnsureWritable();
        foreach (var (continuation, continuationBody) in continuations ?? [])
            if (!continuation.Body.Equals(continuationBody.Body))
                throw new ArgumentException("a continuation's prepared page was made from another body than its capture's", nameof(continuations));
        return await GuardAsync(async () =>
        {
            var stored = await StoreAsync(capture, prepared, alsoInTransaction, cancellationToken, continuations);
            await search.IndexQueuedWhenDueAsync(cancellationToken);
            return stored;
        });
    }

    private Task<StoreResult> StoreAsync(PageCapture capture, PreparedPage prepared, Func<StoreResult, ArchiveTransaction, Task>? alsoInTransaction,
        CancellationToken cancellationToken, IReadOnlyList<(PageCapture Capture, PreparedPage Prepared)>? continuations = null) =>
        InTransactionAsync(async (ArchiveTransaction tx) =>
        {
            var ct = tx.CancellationToken;
            foreach (var (continuation, continuationBody) in continuations ?? [])
                await StoreInTransactionAsync(continuation, continuationBody, ct);
            var result = await StoreInTransactionAsync(capture, prepared, ct);
            if (alsoInTransaction is not null) await alsoInTransaction(result, tx);
            return result;
        }, cancellationToken);

    private async Task<StoreResult> StoreInTransactionAsync(PageCapture capture, PreparedPage prepared, CancellationToken ct)
    {
        var url = CanonicalUrl.Normalize(capture.Url);
        var continuationOf = capture.ContinuationOf is null ? null : CanonicalUrl.Normalize(capture.ContinuationOf);
        var capturedAt = FormatTime(capture.CapturedAt);
        var site = capture.Site ?? prepared.Article?.Site;
        {
            // A page's canonical link names the page it is, when it is an article of the same site (PageIdentity).
            var declared = capture.Kind == PageKind.Article && continuationOf is null && prepared.Article is not null
                ? Identity.AcceptCanonicalLink(capture.Url, prepared.DeclaredCanonical)
                : null;
            var page = await pages.GetOrAddPageAsync(url, site, capturedAt, ct, capture.Kind, declared);
            var isContinuation = page.ContinuationOf is not null;
            if (continuationOf is not null && Identity.Key(continuationOf) != page.Key)
            {
                var firstPage = await pages.GetOrAddPageAsync(continuationOf, site, capturedAt, ct);
                if (page.ContinuationOf != firstPage.Id)
                    await ExecuteAsync("UPDATE pages SET continuation_of = $first WHERE id = $id", ct, ("$first", firstPage.Id), ("$id", page.Id));
                isContinuation = true;
            }

            // A list page or a robots.txt never gets an article, whatever an extractor made of it.
            var article = isContinuation || page.Kind != "article" ? null : prepared.PreparedArticle;
            // Known before the capture is written, so a capture of known content is inserted pointing at its revision.
            var revisions = article is null ? null : await revisionWriter.FindRevisionAsync(page, article.ContentSha256, ct);
            var alias = url == page.Url ? null : url;
            var (captureId, captureAdded, bodyAdded, captureRevision) =
                await AddCaptureAsync(page.Id, capture, alias, capturedAt, prepared, revisions?.Known?.Id, ct);

            int? revisionNumber = null;
            var revisionAdded = false;
            var checkedAt = capture.Origin == CaptureOrigin.Fetch ? capturedAt : null;
            if (article is not null && revisions is not null)
            {
                (revisionNumber, revisionAdded, var revisionId) = await revisionWriter.AttachRevisionAsync(page.Id, captureId, captureRevision, capturedAt, article, revisions, ct);
                // A new page's only capture is this one: nothing to look up.
                if (page.Added)
                    await revisionWriter.SetLatestAsync(page, revisionId, capturedAt, checkedAt, ct);
                else
                    await revisionWriter.RefreshLatestAsync(page, checkedAt, ct);
            }
            else if (checkedAt is not null && RevisionWriter.Later(checkedAt, page.LastCheckedAt))
            {
                await ExecuteAsync("UPDATE pages SET last_checked_at = $at WHERE id = $id", ct, ("$at", checkedAt), ("$id", page.Id));
            }
            return new StoreResult(page.Id, page.Url, captureId, page.Added, captureAdded, bodyAdded, revisionNumber, revisionAdded) { Alias = alias };
        }
    }

    /// <summary>
    /// Records what the current extractors make of a stored capture: the capture points at the matching
    /// revision, added if the page has no revision with that content. One transaction.
    /// </summary>
    /// <param name="article">The new extraction, or null when the capture no longer yields an article.</param>
    /// <param name="continuationOf">Page 1's URL when the extractor now sees this page as a continuation page.</param>
    public async Task<ReextractResult> ApplyExtractionAsync(long captureId, Article? article, Uri? continuationOf = null, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        var prepared = article is null ? null : RevisionWriter.Prepare(article);
        var firstPageUrl = continuationOf is null ? null : CanonicalUrl.Normalize(continuationOf);
        var result = await GuardAsync(() => InTransactionAsync(async ct =>
        {
            long pageId;
            string capturedAt;
            long? captureRevision;
            var read = Command("SELECT page_id, captured_at, revision_id FROM captures WHERE id = $id", ("$id", captureId));
            await using (var reader = await read.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct))
                    throw new ArchiveException(ArchiveFailure.NotFound, $"capture {captureId} is not in the archive");
                (pageId, capturedAt, captureRevision) = (reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
            }
            var page = await PageRows.ReadPageAsync(Command(PageRows.PageSelect + " WHERE id = $id", ("$id", pageId)), ct)
                ?? throw new ArchiveException(ArchiveFailure.NotFound, $"the page of capture {captureId} is not in the archive");
            var isContinuation = page.ContinuationOf is not null || page.Kind != "article";
            if (firstPageUrl is not null && page.Kind == "article")
            {
                var firstPage = await pages.GetOrAddPageAsync(firstPageUrl, article?.Site, capturedAt, ct);
                if (firstPage.Id != pageId)
                {
                    if (page.ContinuationOf != firstPage.Id)
                        await ExecuteAsync("UPDATE pages SET continuation_of = $first WHERE id = $id", ct, ("$first", firstPage.Id), ("$id", pageId));
                    isContinuation = true;
                }
            }

            int? number = null;
            var added = false;
            if (prepared is not null && !isContinuation)
            {
                var revisions = await revisionWriter.FindRevisionAsync(page, prepared.ContentSha256, ct);
                (number, added, _) = await revisionWriter.AttachRevisionAsync(page.Id, captureId, captureRevision, capturedAt, prepared, revisions, ct);
            }
            else if (captureRevision is not null)
            {
                await ExecuteAsync("UPDATE captures SET revision_id = NULL WHERE id = $id", ct, ("$id", captureId));
            }
            var latest = await revisionWriter.RefreshLatestAsync(page, null, ct);
            return new ReextractResult(captureId, number, added, page.LatestRevisionId != latest);
        }, cancellationToken));
        await search.IndexQueuedWhenDueAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Records a 304 Not Modified: a capture of the page, with the answer's status and validators, that points at the
    /// body and revision of the page's newest capture (the content the server confirmed), in one transaction.
    /// </summary>
    /// <param name="alsoInTransaction">More writes that must commit with it (the crawler's frontier row and run counts).</param>
    /// <param name="continuations">The 304s of page 1's continuation pages, stored in the same transaction.</param>
    /// <param name="requestHead">The conditional GET as sent (see <see cref="PageCapture.RequestHead"/>).</param>
    /// <exception cref="ArchiveException"><see cref="ArchiveFailure.NotFound"/> when the page has no capture to confirm.</exception>
    public async Task<StoreResult> StoreNotModifiedAsync(Uri url, DateTimeOffset checkedAt, string? etag, string? lastModified, long? runId,
        CancellationToken cancellationToken = default, Func<StoreResult, ArchiveTransaction, Task>? alsoInTransaction = null,
        IReadOnlyList<NotModifiedCapture>? continuations = null, string? requestHead = null)
    {
        EnsureWritable();
        var at = FormatTime(checkedAt);
        return await GuardAsync(() => InTransactionAsync(async (ArchiveTransaction tx) =>
        {
            var ct = tx.CancellationToken;
            foreach (var continuation in continuations ?? [])
                await StoreNotModifiedInTransactionAsync(CanonicalUrl.Normalize(continuation.Url), at, continuation.ETag, continuation.LastModified, runId,
                    continuation.RequestHead, ct);
            var result = await StoreNotModifiedInTransactionAsync(CanonicalUrl.Normalize(url), at, etag, lastModified, runId, requestHead, ct);
            if (alsoInTransaction is not null) await alsoInTransaction(result, tx);
            return result;
        }, cancellationToken));
    }

    private async Task<StoreResult> StoreNotModifiedInTransactionAsync(string canonical, string at, string? etag, string? lastModified, long? runId,
        string? requestHead, CancellationToken ct)
    {
        {
            var page = await pages.FindPageRowAsync(canonical, ct)
                ?? throw new ArchiveException(ArchiveFailure.NotFound, $"{canonical} has no capture for a 304 to confirm");
            var pageId = page.Id;
            var confirmedId = await ScalarAsync<long?>(
                "SELECT id FROM captures WHERE page_id = $page ORDER BY captured_at DESC, id DESC LIMIT 1", ct, ("$page", pageId))
                ?? throw new ArchiveException(ArchiveFailure.NotFound, $"{canonical} has no capture for a 304 to confirm");
            // A 304 may leave out validators that did not change: the confirmed capture's still hold.
            var captureId = await ScalarAsync<long>(
                """
                INSERT INTO captures (page_id, captured_at, origin, run_id, http_status, etag, last_modified, content_type, body_sha256, revision_id, url)
                SELECT page_id, $at, 'fetch', $run, 304, coalesce($etag, etag), coalesce($lastModified, last_modified), content_type, body_sha256, revision_id, $url
                FROM captures WHERE id = $confirmed
                RETURNING id
                """, ct, ("$at", at), ("$run", runId), ("$etag", etag), ("$lastModified", lastModified), ("$confirmed", confirmedId),
                ("$url", canonical == page.Url ? null : canonical));
            await AddRequestAsync(captureId, requestHead, ct);
            // No RefreshLatestAsync: the new capture shows the revision its predecessor showed, so neither the page's
            // current revision nor when that content was first seen can change.
            await ExecuteAsync("UPDATE pages SET last_checked_at = CASE WHEN last_checked_at >= $at THEN last_checked_at ELSE $at END WHERE id = $id", ct,
                ("$at", at), ("$id", pageId));
            var revision = await ScalarAsync<long?>(
                "SELECT r.number FROM captures c JOIN revisions r ON r.id = c.revision_id WHERE c.id = $id", ct, ("$id", captureId));
            return new StoreResult(pageId, page.Url, captureId, false, true, false, (int?)revision, false) { Alias = canonical == page.Url ? null : canonical };
        }
    }

    /// <summary>Keeps the request a capture answered (schema version 4), if one went out.</summary>
    private async Task AddRequestAsync(long captureId, string? requestHead, CancellationToken ct)
    {
        if (requestHead is not null)
            await ExecuteAsync("INSERT INTO capture_requests (capture_id, request) VALUES ($capture, $request)", ct,
                ("$capture", captureId), ("$request", requestHead));
    }

    private static CompressedBody Compress(ReadOnlyMemory<byte> body)
    {
        var (compression, data) = BodyCompression.Compress(body.Span);
        return new CompressedBody(compression, data);
    }

    private async Task<bool> BodyExistsAsync(string sha256, CancellationToken cancellationToken) =>
        await ScalarAsync<long>("SELECT count(*) FROM bodies WHERE sha256 = $sha", cancellationToken, ("$sha", sha256)) > 0;

    /// <param name="alias">The URL the capture came from when it is not the page's own.</param>
    private async Task<(long CaptureId, bool CaptureAdded, bool BodyAdded, long? RevisionId)> AddCaptureAsync(
        long pageId, PageCapture capture, string? alias, string capturedAt, PreparedPage prepared, long? revisionId, CancellationToken ct)
    {
        if (capture.Origin == CaptureOrigin.Import)
        {
            var newest = Command(
                "SELECT id, body_sha256, revision_id FROM captures WHERE page_id = $page ORDER BY captured_at DESC, id DESC LIMIT 1",
                ("$page", pageId));
            await using var reader = await newest.ExecuteReaderAsync(ct);
            // A saved file imported again tells nothing new: the newest capture already holds this body. A fetch, by
            // contrast, is evidence of what the site served at that time, and is always recorded.
            if (await reader.ReadAsync(ct) && reader.GetString(1) == prepared.BodySha256)
                return (reader.GetInt64(0), false, false, reader.IsDBNull(2) ? null : reader.GetInt64(2));
        }

        // Another process may have stored the body since a check outside the lock, or not.
        var compressed = prepared.Compressed
            ?? (await BodyExistsAsync(prepared.BodySha256, ct) ? null : Compress(capture.Body));
        var bodyAdded = compressed is not null && await ExecuteAsync(
            "INSERT INTO bodies (sha256, size, compression, data) VALUES ($sha, $size, $compression, $data) ON CONFLICT (sha256) DO NOTHING", ct,
            ("$sha", prepared.BodySha256), ("$size", capture.Body.Length), ("$compression", compressed.Compression), ("$data", compressed.Data)) == 1;
        var captureId = await ScalarAsync<long>(
            """
            INSERT INTO captures (page_id, captured_at, origin, run_id, http_status, etag, last_modified, content_type, body_sha256, revision_id, url)
            VALUES ($page, $at, $origin, $run, $status, $etag, $lastModified, $contentType, $body, $revision, $url)
            RETURNING id
            """, ct,
            ("$page", pageId), ("$url", alias), ("$at", capturedAt), ("$origin", capture.Origin == CaptureOrigin.Fetch ? "fetch" : "import"),
            ("$run", capture.RunId), ("$status", capture.HttpStatus), ("$etag", capture.ETag),
            ("$lastModified", capture.LastModified), ("$contentType", capture.ContentType), ("$body", prepared.BodySha256),
            ("$revision", revisionId));
        await AddRequestAsync(captureId, capture.RequestHead, ct);
        return (captureId, true, bodyAdded, revisionId);
    }

}
