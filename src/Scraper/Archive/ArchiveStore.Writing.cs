using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Data.Sqlite;
using Scraper.Extraction;

namespace Scraper.Archive;

public sealed partial class ArchiveStore
{
    // CJK stays readable in the stored JSON (and in `sqlite3 archive.db` sessions).
    private static readonly JsonSerializerOptions ParagraphsJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, TypeInfoResolver = ScraperJsonContext.Default };

    /// <summary>An article with the values the store derives from it, computed outside the write lock.</summary>
    internal sealed record PreparedArticle(Article Article, string ContentSha256, string ParagraphsJson);

    /// <summary>A body as the <c>bodies</c> table holds it.</summary>
    internal sealed record CompressedBody(string Compression, byte[] Data);

    /// <summary>What the store knows of a page row at the start of a write (read once, not again per statement).</summary>
    /// <param name="Added">Inserted by this transaction: it has no captures or revisions yet.</param>
    private sealed record PageRow(long Id, bool Added, long? ContinuationOf, long? LatestRevisionId, string? LastChangedAt, string? LastCheckedAt)
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

    private sealed record KnownRevision(long Id, int Number, string FirstSeen);

    /// <summary>A page's revision with some content, if it has one, and the number its next revision gets.</summary>
    private sealed record PageRevisions(KnownRevision? Known, int NextNumber);

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
            PreparedArticle = article is null ? null : Prepare(article),
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
        Func<StoreResult, CancellationToken, Task>? alsoInTransaction = null)
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
            await IndexQueuedWhenDueAsync(cancellationToken);
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
        Func<StoreResult, CancellationToken, Task>? alsoInTransaction = null,
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
            await IndexQueuedWhenDueAsync(cancellationToken);
            return stored;
        });
    }

    private Task<StoreResult> StoreAsync(PageCapture capture, PreparedPage prepared, Func<StoreResult, CancellationToken, Task>? alsoInTransaction,
        CancellationToken cancellationToken, IReadOnlyList<(PageCapture Capture, PreparedPage Prepared)>? continuations = null) =>
        InTransactionAsync(async ct =>
        {
            foreach (var (continuation, continuationBody) in continuations ?? [])
                await StoreInTransactionAsync(continuation, continuationBody, ct);
            var result = await StoreInTransactionAsync(capture, prepared, ct);
            if (alsoInTransaction is not null) await alsoInTransaction(result, ct);
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
            var page = await GetOrAddPageAsync(url, site, capturedAt, ct, capture.Kind, declared);
            var isContinuation = page.ContinuationOf is not null;
            if (continuationOf is not null && Identity.Key(continuationOf) != page.Key)
            {
                var firstPage = await GetOrAddPageAsync(continuationOf, site, capturedAt, ct);
                if (page.ContinuationOf != firstPage.Id)
                    await ExecuteAsync("UPDATE pages SET continuation_of = $first WHERE id = $id", ct, ("$first", firstPage.Id), ("$id", page.Id));
                isContinuation = true;
            }

            // A list page or a robots.txt never gets an article, whatever an extractor made of it.
            var article = isContinuation || page.Kind != "article" ? null : prepared.PreparedArticle;
            // Known before the capture is written, so a capture of known content is inserted pointing at its revision.
            var revisions = article is null ? null : await FindRevisionAsync(page, article.ContentSha256, ct);
            var alias = url == page.Url ? null : url;
            var (captureId, captureAdded, bodyAdded, captureRevision) =
                await AddCaptureAsync(page.Id, capture, alias, capturedAt, prepared, revisions?.Known?.Id, ct);

            int? revisionNumber = null;
            var revisionAdded = false;
            var checkedAt = capture.Origin == CaptureOrigin.Fetch ? capturedAt : null;
            if (article is not null && revisions is not null)
            {
                (revisionNumber, revisionAdded, var revisionId) = await AttachRevisionAsync(page.Id, captureId, captureRevision, capturedAt, article, revisions, ct);
                // A new page's only capture is this one: nothing to look up.
                if (page.Added)
                    await SetLatestAsync(page, revisionId, capturedAt, checkedAt, ct);
                else
                    await RefreshLatestAsync(page, checkedAt, ct);
            }
            else if (checkedAt is not null && Later(checkedAt, page.LastCheckedAt))
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
        var prepared = article is null ? null : Prepare(article);
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
            var page = await ReadPageAsync(Command(PageSelect + " WHERE id = $id", ("$id", pageId)), ct)
                ?? throw new ArchiveException(ArchiveFailure.NotFound, $"the page of capture {captureId} is not in the archive");
            var isContinuation = page.ContinuationOf is not null || page.Kind != "article";
            if (firstPageUrl is not null && page.Kind == "article")
            {
                var firstPage = await GetOrAddPageAsync(firstPageUrl, article?.Site, capturedAt, ct);
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
                var revisions = await FindRevisionAsync(page, prepared.ContentSha256, ct);
                (number, added, _) = await AttachRevisionAsync(page.Id, captureId, captureRevision, capturedAt, prepared, revisions, ct);
            }
            else if (captureRevision is not null)
            {
                await ExecuteAsync("UPDATE captures SET revision_id = NULL WHERE id = $id", ct, ("$id", captureId));
            }
            var latest = await RefreshLatestAsync(page, null, ct);
            return new ReextractResult(captureId, number, added, page.LatestRevisionId != latest);
        }, cancellationToken));
        await IndexQueuedWhenDueAsync(cancellationToken);
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
        CancellationToken cancellationToken = default, Func<StoreResult, CancellationToken, Task>? alsoInTransaction = null,
        IReadOnlyList<NotModifiedCapture>? continuations = null, string? requestHead = null)
    {
        EnsureWritable();
        var at = FormatTime(checkedAt);
        return await GuardAsync(() => InTransactionAsync(async ct =>
        {
            foreach (var continuation in continuations ?? [])
                await StoreNotModifiedInTransactionAsync(CanonicalUrl.Normalize(continuation.Url), at, continuation.ETag, continuation.LastModified, runId,
                    continuation.RequestHead, ct);
            var result = await StoreNotModifiedInTransactionAsync(CanonicalUrl.Normalize(url), at, etag, lastModified, runId, requestHead, ct);
            if (alsoInTransaction is not null) await alsoInTransaction(result, ct);
            return result;
        }, cancellationToken));
    }

    private async Task<StoreResult> StoreNotModifiedInTransactionAsync(string canonical, string at, string? etag, string? lastModified, long? runId,
        string? requestHead, CancellationToken ct)
    {
        {
            var page = await FindPageRowAsync(canonical, ct)
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
            await ExecuteAsync("UPDATE pages SET last_checked_at = max(coalesce(last_checked_at, ''), $at) WHERE id = $id", ct,
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

    private static PreparedArticle Prepare(Article article) =>
        new(article, ArticleContentHash.Compute(article), JsonSerializer.Serialize(article.Paragraphs, (JsonTypeInfo<IReadOnlyList<string>>)ParagraphsJson.GetTypeInfo(typeof(IReadOnlyList<string>))));

    private static CompressedBody Compress(ReadOnlyMemory<byte> body)
    {
        var (compression, data) = BodyCompression.Compress(body.Span);
        return new CompressedBody(compression, data);
    }

    /// <summary>Whether <paramref name="time"/> is later than <paramref name="than"/> (none counts as earliest); times sort as text.</summary>
    private static bool Later(string time, string? than) => than is null || string.CompareOrdinal(time, than) > 0;

    private async Task<bool> BodyExistsAsync(string sha256, CancellationToken cancellationToken) =>
        await ScalarAsync<long>("SELECT count(*) FROM bodies WHERE sha256 = $sha", cancellationToken, ("$sha", sha256)) > 0;

    /// <summary>The page's revision with this content, if any, and the number a new revision would get.</summary>
    private async Task<PageRevisions> FindRevisionAsync(PageRow page, string contentSha256, CancellationToken ct)
    {
        if (page.Added)
            return new PageRevisions(null, 1);
        var find = Command(
            """
            SELECT r.id, r.number, r.first_seen, next.number
            FROM (SELECT coalesce(max(number), 0) + 1 AS number FROM revisions WHERE page_id = $page) next
            LEFT JOIN revisions r ON r.page_id = $page AND r.content_sha256 = $sha
            """,
            ("$page", page.Id), ("$sha", contentSha256));
        await using var reader = await find.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var known = reader.IsDBNull(0) ? null : new KnownRevision(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2));
        return new PageRevisions(known, reader.GetInt32(3));
    }

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

    /// <summary>Points the capture at the page's revision with this content, adding the revision if it is new.</summary>
    /// <param name="captureRevision">The revision the capture points at now.</param>
    private async Task<(int Number, bool Added, long RevisionId)> AttachRevisionAsync(long pageId, long captureId, long? captureRevision,
        string capturedAt, PreparedArticle prepared, PageRevisions revisions, CancellationToken ct)
    {
        long revisionId;
        int number;
        if (revisions.Known is { } known)
        {
            (revisionId, number) = (known.Id, known.Number);
            // An older capture (stored late, or re-extracted) can move the content's first sighting back.
            if (string.CompareOrdinal(capturedAt, known.FirstSeen) < 0)
                await ExecuteAsync("UPDATE revisions SET first_seen = $at WHERE id = $id", ct, ("$at", capturedAt), ("$id", revisionId));
        }
        else
        {
            var article = prepared.Article;
            number = revisions.NextNumber;
            revisionId = await ScalarAsync<long>(
                """
                INSERT INTO revisions (page_id, number, content_sha256, extractor, capture_id, first_seen, created_at,
                                       title, subtitle, section, published, source, byline, language, paragraphs, pages,
                                       published_from, provenance)
                VALUES ($page, $number, $sha, $extractor, $capture, $firstSeen, $createdAt,
                        $title, $subtitle, $section, $published, $source, $byline, $language, $paragraphs, $pages,
                        $publishedFrom, $provenance)
                RETURNING id
                """, ct,
                ("$page", pageId), ("$number", number), ("$sha", prepared.ContentSha256), ("$extractor", article.Extractor),
                ("$capture", captureId), ("$firstSeen", capturedAt), ("$createdAt", Now()),
                ("$title", article.Title), ("$subtitle", article.Subtitle), ("$section", article.Section),
                ("$published", article.Published), ("$source", article.Source), ("$byline", article.Byline),
                ("$language", article.Language), ("$paragraphs", prepared.ParagraphsJson), ("$pages", article.Pages),
                ("$publishedFrom", article.PublishedFrom), ("$provenance", ProvenanceJson.Write(article.Provenance)));
            var figure = Command(
                """
                INSERT INTO figures (revision_id, ordinal, src, alt, caption, credit, position, media)
                VALUES ($revision, $ordinal, $src, $alt, $caption, $credit, $position, $media)
                """,
                ("$revision", revisionId), ("$ordinal", 0), ("$src", ""), ("$alt", null), ("$caption", null), ("$credit", null), ("$position", 0),
                ("$media", null));
            for (var i = 0; i < article.Figures.Count; i++)
            {
                var f = article.Figures[i];
                figure.Parameters["$ordinal"].Value = i;
                figure.Parameters["$src"].Value = f.Src;
                figure.Parameters["$alt"].Value = (object?)f.Alt ?? DBNull.Value;
                figure.Parameters["$caption"].Value = (object?)f.Caption ?? DBNull.Value;
                figure.Parameters["$credit"].Value = (object?)f.Credit ?? DBNull.Value;
                figure.Parameters["$position"].Value = f.Position;
                figure.Parameters["$media"].Value = (object?)f.Media ?? DBNull.Value;
                await figure.ExecuteNonQueryAsync(ct);
            }
        }
        if (captureRevision != revisionId)
            await ExecuteAsync("UPDATE captures SET revision_id = $revision WHERE id = $capture", ct, ("$revision", revisionId), ("$capture", captureId));
        return (number, revisions.Known is null, revisionId);
    }

    /// <summary>
    /// Recomputes the page's current revision (that of its newest capture with one), when that content was
    /// first seen in the newest unbroken run of captures showing it, and the search index entry.
    /// </summary>
    /// <param name="page">The page as it was before this transaction changed its captures.</param>
    /// <param name="checkedAt">A fetch's time, for <c>last_checked_at</c> in the same write.</param>
    /// <returns>The page's current revision now.</returns>
    private async Task<long?> RefreshLatestAsync(PageRow page, string? checkedAt, CancellationToken ct)
    {
        long? latest = null;
        string? lastChanged = null;
        var captures = Command(
            """
            SELECT revision_id, captured_at FROM captures
            WHERE page_id = $page AND revision_id IS NOT NULL
            ORDER BY captured_at DESC, id DESC
            """, ("$page", page.Id));
        await using (var reader = await captures.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var revision = reader.GetInt64(0);
                if (latest is not null && revision != latest)
                    break;
                latest = revision;
                lastChanged = reader.GetString(1);
            }
        }
        await SetLatestAsync(page, latest, lastChanged, checkedAt, ct);
        return latest;
    }

    /// <summary>Writes the page's current revision, its last change and last check in one update, and queues it for the search index.</summary>
    private async Task SetLatestAsync(PageRow page, long? latest, string? lastChanged, string? checkedAt, CancellationToken ct)
    {
        var lastChecked = checkedAt is not null && Later(checkedAt, page.LastCheckedAt) ? checkedAt : page.LastCheckedAt;
        if (page.LatestRevisionId == latest)
        {
            if (lastChanged != page.LastChangedAt || lastChecked != page.LastCheckedAt)
                await ExecuteAsync("UPDATE pages SET last_changed_at = $changed, last_checked_at = $checked WHERE id = $id", ct,
                    ("$changed", lastChanged), ("$checked", lastChecked), ("$id", page.Id));
            return;
        }
        await ExecuteAsync(
            "UPDATE pages SET latest_revision_id = $latest, last_changed_at = $changed, last_checked_at = $checked WHERE id = $id", ct,
            ("$latest", latest), ("$changed", lastChanged), ("$checked", lastChecked), ("$id", page.Id));
        await QueueForSearchAsync(page.Id, page.LatestRevisionId, ct);
    }
}
