using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Scraper.Extraction;

namespace Scraper.Archive;

public sealed partial class ArchiveStore
{
    // CJK stays readable in the stored JSON (and in `sqlite3 archive.db` sessions).
    private static readonly JsonSerializerOptions ParagraphsJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>An article with the values the store derives from it, computed outside the write lock.</summary>
    private sealed record PreparedArticle(Article Article, string ContentSha256, string ParagraphsJson);

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
        var url = CanonicalUrl.Normalize(capture.Url);
        var continuationOf = capture.ContinuationOf is null ? null : CanonicalUrl.Normalize(capture.ContinuationOf);
        var capturedAt = FormatTime(capture.CapturedAt);
        var bodySha256 = Convert.ToHexStringLower(SHA256.HashData(capture.Body.Span));
        var prepared = article is null ? null : Prepare(article);
        var site = article?.Site;

        return await GuardAsync(async () =>
        {
            // Compressing takes longer than the transaction; do it before taking the lock, and only for a new body.
            (string Compression, byte[] Data)? compressed = await BodyExistsAsync(bodySha256, cancellationToken)
                ? null
                : BodyCompression.Compress(capture.Body.Span);

            return await InTransactionAsync(async ct =>
            {
                var (pageId, pageAdded) = await GetOrAddPageAsync(url, site, capturedAt, ct);
                if (continuationOf is not null && continuationOf != url)
                {
                    var (firstPageId, _) = await GetOrAddPageAsync(continuationOf, site, capturedAt, ct);
                    await ExecuteAsync("UPDATE pages SET continuation_of = $first WHERE id = $id", ct, ("$first", firstPageId), ("$id", pageId));
                }
                var isContinuation = await ScalarAsync<long?>("SELECT continuation_of FROM pages WHERE id = $id", ct, ("$id", pageId)) is not null;

                var (captureId, captureAdded, bodyAdded) = await AddCaptureAsync(pageId, capture, capturedAt, bodySha256, compressed, ct);
                if (capture.Origin == CaptureOrigin.Fetch)
                    await ExecuteAsync(
                        "UPDATE pages SET last_checked_at = max(coalesce(last_checked_at, ''), $at) WHERE id = $id", ct,
                        ("$at", capturedAt), ("$id", pageId));

                int? revisionNumber = null;
                var revisionAdded = false;
                if (prepared is not null && !isContinuation)
                {
                    (revisionNumber, revisionAdded) = await AttachRevisionAsync(pageId, captureId, prepared, ct);
                    await RefreshLatestAsync(pageId, ct);
                }
                var result = new StoreResult(pageId, url, captureId, pageAdded, captureAdded, bodyAdded, revisionNumber, revisionAdded);
                if (alsoInTransaction is not null) await alsoInTransaction(result, ct);
                return result;
            }, cancellationToken);
        });
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
        return await GuardAsync(() => InTransactionAsync(async ct =>
        {
            var pageId = await ScalarAsync<long?>("SELECT page_id FROM captures WHERE id = $id", ct, ("$id", captureId))
                ?? throw new ArchiveException(ArchiveFailure.NotFound, $"capture {captureId} is not in the archive");
            var before = await ScalarAsync<long?>("SELECT latest_revision_id FROM pages WHERE id = $id", ct, ("$id", pageId));
            if (firstPageUrl is not null)
            {
                var capturedAt = await ScalarAsync<string>("SELECT captured_at FROM captures WHERE id = $id", ct, ("$id", captureId));
                var (firstPageId, _) = await GetOrAddPageAsync(firstPageUrl, article?.Site, capturedAt, ct);
                if (firstPageId != pageId)
                    await ExecuteAsync("UPDATE pages SET continuation_of = $first WHERE id = $id", ct, ("$first", firstPageId), ("$id", pageId));
            }
            var isContinuation = await ScalarAsync<long?>("SELECT continuation_of FROM pages WHERE id = $id", ct, ("$id", pageId)) is not null;

            int? number = null;
            var added = false;
            if (prepared is not null && !isContinuation)
                (number, added) = await AttachRevisionAsync(pageId, captureId, prepared, ct);
            else
                await ExecuteAsync("UPDATE captures SET revision_id = NULL WHERE id = $id", ct, ("$id", captureId));
            await RefreshLatestAsync(pageId, ct);
            var after = await ScalarAsync<long?>("SELECT latest_revision_id FROM pages WHERE id = $id", ct, ("$id", pageId));
            return new ReextractResult(captureId, number, added, before != after);
        }, cancellationToken));
    }

    /// <summary>
    /// Records a 304 Not Modified: a capture of the page, with the answer's status and validators, that points at the
    /// body and revision of the page's newest capture (the content the server confirmed), in one transaction.
    /// </summary>
    /// <param name="alsoInTransaction">More writes that must commit with it (the crawler's frontier row and run counts).</param>
    /// <exception cref="ArchiveException"><see cref="ArchiveFailure.NotFound"/> when the page has no capture to confirm.</exception>
    public async Task<StoreResult> StoreNotModifiedAsync(Uri url, DateTimeOffset checkedAt, string? etag, string? lastModified, long? runId,
        CancellationToken cancellationToken = default, Func<StoreResult, CancellationToken, Task>? alsoInTransaction = null)
    {
        EnsureWritable();
        var canonical = CanonicalUrl.Normalize(url);
        var at = FormatTime(checkedAt);
        return await GuardAsync(() => InTransactionAsync(async ct =>
        {
            var newest = Command(
                """
                SELECT p.id, c.id FROM pages p JOIN captures c ON c.page_id = p.id
                WHERE p.url = $url ORDER BY c.captured_at DESC, c.id DESC LIMIT 1
                """, ("$url", canonical));
            long pageId, confirmedId;
            await using (var reader = await newest.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct))
                    throw new ArchiveException(ArchiveFailure.NotFound, $"{canonical} has no capture for a 304 to confirm");
                (pageId, confirmedId) = (reader.GetInt64(0), reader.GetInt64(1));
            }
            // A 304 may leave out validators that did not change: the confirmed capture's still hold.
            var captureId = await ScalarAsync<long>(
                """
                INSERT INTO captures (page_id, captured_at, origin, run_id, http_status, etag, last_modified, content_type, body_sha256, revision_id)
                SELECT page_id, $at, 'fetch', $run, 304, coalesce($etag, etag), coalesce($lastModified, last_modified), content_type, body_sha256, revision_id
                FROM captures WHERE id = $confirmed
                RETURNING id
                """, ct, ("$at", at), ("$run", runId), ("$etag", etag), ("$lastModified", lastModified), ("$confirmed", confirmedId));
            // No RefreshLatestAsync: the new capture shows the revision its predecessor showed, so neither the page's
            // current revision nor when that content was first seen can change.
            await ExecuteAsync("UPDATE pages SET last_checked_at = max(coalesce(last_checked_at, ''), $at) WHERE id = $id", ct,
                ("$at", at), ("$id", pageId));
            var revision = await ScalarAsync<long?>(
                "SELECT r.number FROM captures c JOIN revisions r ON r.id = c.revision_id WHERE c.id = $id", ct, ("$id", captureId));
            var result = new StoreResult(pageId, canonical, captureId, false, true, false, (int?)revision, false);
            if (alsoInTransaction is not null) await alsoInTransaction(result, ct);
            return result;
        }, cancellationToken));
    }

    private static PreparedArticle Prepare(Article article) =>
        new(article, ArticleContentHash.Compute(article), JsonSerializer.Serialize(article.Paragraphs, ParagraphsJson));

    private async Task<bool> BodyExistsAsync(string sha256, CancellationToken cancellationToken) =>
        await ScalarAsync<long>("SELECT count(*) FROM bodies WHERE sha256 = $sha", cancellationToken, ("$sha", sha256)) > 0;

    private async Task<(long Id, bool Added)> GetOrAddPageAsync(string url, string? site, string seenAt, CancellationToken ct)
    {
        {
            if (await Command("SELECT id FROM pages WHERE url = $url", ("$url", url)).ExecuteScalarAsync(ct) is long id)
            {
                await ExecuteAsync(
                    "UPDATE pages SET site = coalesce(site, $site), first_seen = min(first_seen, $at) WHERE id = $id", ct,
                    ("$site", site), ("$at", seenAt), ("$id", id));
                return (id, false);
            }
        }
        var added = await ScalarAsync<long>(
            "INSERT INTO pages (url, site, first_seen) VALUES ($url, $site, $at) RETURNING id", ct,
            ("$url", url), ("$site", site), ("$at", seenAt));
        return (added, true);
    }

    private async Task<(long CaptureId, bool CaptureAdded, bool BodyAdded)> AddCaptureAsync(
        long pageId, PageCapture capture, string capturedAt, string bodySha256, (string Compression, byte[] Data)? compressed, CancellationToken ct)
    {
        if (capture.Origin == CaptureOrigin.Import)
        {
            var newest = Command(
                "SELECT id, body_sha256 FROM captures WHERE page_id = $page ORDER BY captured_at DESC, id DESC LIMIT 1",
                ("$page", pageId));
            await using var reader = await newest.ExecuteReaderAsync(ct);
            // A saved file imported again tells nothing new: the newest capture already holds this body. A fetch, by
            // contrast, is evidence of what the site served at that time, and is always recorded.
            if (await reader.ReadAsync(ct) && reader.GetString(1) == bodySha256)
                return (reader.GetInt64(0), false, false);
        }

        var bodyAdded = false;
        if (!await BodyExistsAsync(bodySha256, ct))
        {
            // Another process may have stored the body since the check outside the lock, or not.
            var (compression, data) = compressed ?? BodyCompression.Compress(capture.Body.Span);
            await ExecuteAsync(
                "INSERT INTO bodies (sha256, size, compression, data) VALUES ($sha, $size, $compression, $data)", ct,
                ("$sha", bodySha256), ("$size", capture.Body.Length), ("$compression", compression), ("$data", data));
            bodyAdded = true;
        }
        var captureId = await ScalarAsync<long>(
            """
            INSERT INTO captures (page_id, captured_at, origin, run_id, http_status, etag, last_modified, content_type, body_sha256)
            VALUES ($page, $at, $origin, $run, $status, $etag, $lastModified, $contentType, $body)
            RETURNING id
            """, ct,
            ("$page", pageId), ("$at", capturedAt), ("$origin", capture.Origin == CaptureOrigin.Fetch ? "fetch" : "import"),
            ("$run", capture.RunId), ("$status", capture.HttpStatus), ("$etag", capture.ETag),
            ("$lastModified", capture.LastModified), ("$contentType", capture.ContentType), ("$body", bodySha256));
        return (captureId, true, bodyAdded);
    }

    /// <summary>Points the capture at the page's revision with this content, adding the revision if it is new.</summary>
    private async Task<(int Number, bool Added)> AttachRevisionAsync(long pageId, long captureId, PreparedArticle prepared, CancellationToken ct)
    {
        var capturedAt = await ScalarAsync<string>("SELECT captured_at FROM captures WHERE id = $id", ct, ("$id", captureId));
        long revisionId;
        int number;
        bool added;
        var find = Command(
            "SELECT id, number FROM revisions WHERE page_id = $page AND content_sha256 = $sha",
            ("$page", pageId), ("$sha", prepared.ContentSha256));
        await using (var reader = await find.ExecuteReaderAsync(ct))
        {
            added = !await reader.ReadAsync(ct);
            revisionId = added ? 0 : reader.GetInt64(0);
            number = added ? 0 : reader.GetInt32(1);
        }

        if (added)
        {
            var article = prepared.Article;
            number = (int)await ScalarAsync<long>("SELECT coalesce(max(number), 0) + 1 FROM revisions WHERE page_id = $page", ct, ("$page", pageId));
            revisionId = await ScalarAsync<long>(
                """
                INSERT INTO revisions (page_id, number, content_sha256, extractor, capture_id, first_seen, created_at,
                                       title, subtitle, section, published, source, byline, language, paragraphs, pages)
                VALUES ($page, $number, $sha, $extractor, $capture, $firstSeen, $createdAt,
                        $title, $subtitle, $section, $published, $source, $byline, $language, $paragraphs, $pages)
                RETURNING id
                """, ct,
                ("$page", pageId), ("$number", number), ("$sha", prepared.ContentSha256), ("$extractor", article.Extractor),
                ("$capture", captureId), ("$firstSeen", capturedAt), ("$createdAt", Now()),
                ("$title", article.Title), ("$subtitle", article.Subtitle), ("$section", article.Section),
                ("$published", article.Published), ("$source", article.Source), ("$byline", article.Byline),
                ("$language", article.Language), ("$paragraphs", prepared.ParagraphsJson), ("$pages", article.Pages));
            var figure = Command(
                """
                INSERT INTO figures (revision_id, ordinal, src, alt, caption, credit, position)
                VALUES ($revision, $ordinal, $src, $alt, $caption, $credit, $position)
                """,
                ("$revision", revisionId), ("$ordinal", 0), ("$src", ""), ("$alt", null), ("$caption", null), ("$credit", null), ("$position", 0));
            for (var i = 0; i < article.Figures.Count; i++)
            {
                var f = article.Figures[i];
                figure.Parameters["$ordinal"].Value = i;
                figure.Parameters["$src"].Value = f.Src;
                figure.Parameters["$alt"].Value = (object?)f.Alt ?? DBNull.Value;
                figure.Parameters["$caption"].Value = (object?)f.Caption ?? DBNull.Value;
                figure.Parameters["$credit"].Value = (object?)f.Credit ?? DBNull.Value;
                figure.Parameters["$position"].Value = f.Position;
                await figure.ExecuteNonQueryAsync(ct);
            }
        }
        else
        {
            // An older capture (stored late, or re-extracted) can move the content's first sighting back.
            await ExecuteAsync("UPDATE revisions SET first_seen = min(first_seen, $at) WHERE id = $id", ct, ("$at", capturedAt), ("$id", revisionId));
        }
        await ExecuteAsync("UPDATE captures SET revision_id = $revision WHERE id = $capture", ct, ("$revision", revisionId), ("$capture", captureId));
        return (number, added);
    }

    /// <summary>
    /// Recomputes the page's current revision (that of its newest capture with one), when that content was
    /// first seen in the newest unbroken run of captures showing it, and the search index entry.
    /// </summary>
    private async Task RefreshLatestAsync(long pageId, CancellationToken ct)
    {
        long? latest = null;
        string? lastChanged = null;
        var captures = Command(
            """
            SELECT revision_id, captured_at FROM captures
            WHERE page_id = $page AND revision_id IS NOT NULL
            ORDER BY captured_at DESC, id DESC
            """, ("$page", pageId));
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

        var previous = await ScalarAsync<long?>("SELECT latest_revision_id FROM pages WHERE id = $id", ct, ("$id", pageId));
        if (previous == latest)
        {
            await ExecuteAsync("UPDATE pages SET last_changed_at = $changed WHERE id = $id", ct, ("$changed", lastChanged), ("$id", pageId));
            return;
        }
        // The index holds no copy of the text: an entry is removed with exactly the values it was added with.
        if (previous is not null)
            await ExecuteAsync(
                """
                INSERT INTO search_index (search_index, rowid, title, text)
                SELECT 'delete', page_id, title, text FROM search_source WHERE page_id = $page
                """, ct, ("$page", pageId));
        await ExecuteAsync(
            "UPDATE pages SET latest_revision_id = $latest, last_changed_at = $changed WHERE id = $id", ct,
            ("$latest", latest), ("$changed", lastChanged), ("$id", pageId));
        if (latest is not null)
            await ExecuteAsync(
                "INSERT INTO search_index (rowid, title, text) SELECT page_id, title, text FROM search_source WHERE page_id = $page", ct,
                ("$page", pageId));
    }
}
