using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Scraper.Extraction;

namespace Scraper.Archive;

/// <summary>
/// Revisions and their figures: one revision per distinct content of a page (by <see cref="ArticleContentHash"/>), the
/// page's current revision kept with it, and each change queued for the search index. Inside the caller's transaction.
/// </summary>
internal sealed class RevisionWriter : ArchiveRole
{
    private readonly ArchiveSearch search;

    internal RevisionWriter(ArchiveDatabase database, ArchiveSearch search) : base(database) => this.search = search;

    // CJK stays readable in the stored JSON (and in `sqlite3 archive.db` sessions).
    internal static readonly JsonSerializerOptions ParagraphsJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, TypeInfoResolver = ScraperJsonContext.Default };


    internal sealed record KnownRevision(long Id, int Number, string FirstSeen);

    /// <summary>A page's revision with some content, if it has one, and the number its next revision gets.</summary>
    internal sealed record PageRevisions(KnownRevision? Known, int NextNumber);

    internal static PreparedArticle Prepare(Article article) =>
        new(article, ArticleContentHash.Compute(article), JsonSerializer.Serialize(article.Paragraphs, (JsonTypeInfo<IReadOnlyList<string>>)ParagraphsJson.GetTypeInfo(typeof(IReadOnlyList<string>))));

    /// <summary>Whether <paramref name="time"/> is later than <paramref name="than"/> (none counts as earliest); times sort as text.</summary>
    internal static bool Later(string time, string? than) => than is null || string.CompareOrdinal(time, than) > 0;

    /// <summary>The page's revision with this content, if any, and the number a new revision would get.</summary>
    internal async Task<PageRevisions> FindRevisionAsync(PageRow page, string contentSha256, CancellationToken ct)
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
        var known = reader.IsDBNull(0) ? null : new KnownRevision(reader.GetInt64(0), Int32(reader, 1), reader.GetString(2));
        return new PageRevisions(known, Int32(reader, 3));
    }

    /// <summary>Points the capture at the page's revision with this content, adding the revision if it is new.</summary>
    /// <param name="captureRevision">The revision the capture points at now.</param>
    internal async Task<(int Number, bool Added, long RevisionId)> AttachRevisionAsync(long pageId, long captureId, long? captureRevision,
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
                SetParameter(figure, "$ordinal", i);
                SetParameter(figure, "$src", f.Src);
                SetParameter(figure, "$alt", f.Alt);
                SetParameter(figure, "$caption", f.Caption);
                SetParameter(figure, "$credit", f.Credit);
                SetParameter(figure, "$position", f.Position);
                SetParameter(figure, "$media", f.Media);
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
    internal async Task<long?> RefreshLatestAsync(PageRow page, string? checkedAt, CancellationToken ct)
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
    internal async Task SetLatestAsync(PageRow page, long? latest, string? lastChanged, string? checkedAt, CancellationToken ct)
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
        await search.QueueForSearchAsync(page.Id, page.LatestRevisionId, ct);
    }
}

/// <summary>An article with the values the store derives from it, computed outside the write lock.</summary>
internal sealed record PreparedArticle(Article Article, string ContentSha256, string ParagraphsJson);
