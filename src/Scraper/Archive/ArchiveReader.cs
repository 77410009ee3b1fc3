using System.Globalization;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Scraper.Extraction;

namespace Scraper.Archive;

/// <summary>Reading the archive: pages, articles and their history, captures and bodies, validators, statistics.</summary>
public sealed class ArchiveReader : ArchiveRole
{
    private readonly PageRows pages;

    internal ArchiveReader(ArchiveDatabase database, PageRows pages) : base(database) => this.pages = pages;

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
            await pages.FindPageIdAsync(url, cancellationToken) is { } pageId
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
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            var row = ReadArticleRow(reader);
            // Closed before the figures and aliases are read: a PostgreSQL connection runs one statement at a time.
            await reader.DisposeAsync();
            return await ReadArticleAsync(row, cancellationToken);
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
                    Int32(reader, 0), ParseTime(reader.GetString(1)), ParseTime(reader.GetString(2)), reader.GetString(3),
                    reader.GetString(4), StringOrNull(reader, 5), Int32(reader, 6), reader.GetBoolean(7)));
            return history;
        });
    }

    /// <summary>The pages that have an article, in the order they were first archived.</summary>
    public IAsyncEnumerable<ArchivedPage> ListPagesAsync(PageFilter? filter = null, CancellationToken cancellationToken = default) =>
        Guarded(ListPagesCoreAsync(filter ?? new PageFilter(), cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ArchivedPage> ListPagesCoreAsync(PageFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (selected, parameters) = PageFilterSql.SelectedPages(filter);
        await using var command = await NewCommandAsync(
            $"""
            SELECT p.id, p.url, p.site, r.title, r.published, r.extractor,
                   (SELECT count(*) FROM revisions WHERE page_id = p.id),
                   (SELECT count(*) FROM captures WHERE page_id = p.id),
                   p.first_seen, p.last_changed_at
            FROM pages p JOIN revisions r ON r.id = p.latest_revision_id
            WHERE {selected}
            ORDER BY p.id
            """, cancellationToken, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new ArchivedPage(
                reader.GetInt64(0), reader.GetString(1), StringOrNull(reader, 2), StringOrNull(reader, 3), StringOrNull(reader, 4),
                reader.GetString(5), Int32(reader, 6), Int32(reader, 7), ParseTime(reader.GetString(8)), ParseTimeOrNull(reader, 9));
    }

    /// <summary>
    /// Streams articles with their archive facts: each page's current revision, or with
    /// <see cref="PageFilter.AllRevisions"/> every revision (pages in archive order, revisions oldest first).
    /// </summary>
    public IAsyncEnumerable<ArchivedArticle> ReadArticlesAsync(PageFilter? filter = null, CancellationToken cancellationToken = default) =>
        Guarded(ReadArticlesCoreAsync(filter ?? new PageFilter(), cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ArchivedArticle> ReadArticlesCoreAsync(PageFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (selected, parameters) = PageFilterSql.SelectedPages(filter);
        await using var command = await NewCommandAsync(
            ArticleSelect + $" WHERE {PageFilterSql.SelectedRevisions(filter)} AND {selected} ORDER BY p.id, r.number", cancellationToken, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return await ReadArticleAsync(ReadArticleRow(reader), cancellationToken);
    }

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
                Database.Path,
                Database.Engine.SizeInBytes(Database),
                (int)await Database.Engine.ReadSchemaVersionAsync(Database, cancellationToken),
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
                WHERE p.kind = 'article' AND p.continuation_of IS NULL AND c.captured_at >= $since AND (CAST($site AS TEXT) IS NULL OR p.site = $site)
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
            if (await pages.FindPageIdAsync(canonical, cancellationToken) is not { } pageId)
                return ((byte[], string?)?)null;
            var command = Command(
                """
                SELECT c.id, c.content_type FROM captures c
                WHERE c.page_id = $page ORDER BY c.captured_at DESC, c.id DESC LIMIT 1
                """, ("$page", pageId));
            long captureId;
            string? contentType;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                    return ((byte[], string?)?)null;
                (captureId, contentType) = (reader.GetInt64(0), StringOrNull(reader, 1));
            }
            var body = await LoadBodyWhereAsync("c.id = $key", captureId, cancellationToken);
            return body is null ? null : (body, contentType);
        });
    }

    /// <summary>The ETag and Last-Modified of the newest capture of the URL's page, for a conditional GET.</summary>
    public async Task<ConditionalGetValidators?> GetValidatorsAsync(Uri url, CancellationToken cancellationToken = default)
    {
        var canonical = CanonicalUrl.Normalize(url);
        return await GuardAsync(async () =>
        {
            if (await pages.FindPageIdAsync(canonical, cancellationToken) is not { } pageId)
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
            if (await pages.FindPageIdAsync(canonical, cancellationToken) is not { } firstId)
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

    internal async Task<byte[]?> LoadBodyWhereAsync(string condition, object key, CancellationToken cancellationToken)
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

    /// <summary>The columns of an <see cref="ArticleSelect"/> row, read before anything else runs on the connection.</summary>
    private static object?[] ReadArticleRow(DbDataReader reader)
    {
        var row = new object?[reader.FieldCount];
        for (var i = 0; i < row.Length; i++)
            row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        return row;
    }

    private async Task<ArchivedArticle> ReadArticleAsync(object?[] row, CancellationToken cancellationToken)
    {
        // The engines differ in the types they give (SQLite: long for a boolean; PostgreSQL: int for an INTEGER column).
        long Long(int i) => Convert.ToInt64(row[i], CultureInfo.InvariantCulture);
        string Text(int i) => (string)row[i]!;
        string? TextOrNull(int i) => row[i] as string;
        var revisionId = Long(7);
        var figures = new List<Figure>();
        var command = Command(
            "SELECT src, alt, caption, credit, position, media FROM figures WHERE revision_id = $revision ORDER BY ordinal",
            ("$revision", revisionId));
        await using (var figureReader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await figureReader.ReadAsync(cancellationToken))
                figures.Add(new Figure(
                    figureReader.GetString(0), StringOrNull(figureReader, 1), StringOrNull(figureReader, 2),
                    StringOrNull(figureReader, 3), Int32(figureReader, 4))
                { Media = StringOrNull(figureReader, 5) });
        }
        var article = new Article
        {
            Url = Text(1),
            Site = TextOrNull(2),
            Extractor = Text(10),
            Title = TextOrNull(13),
            Subtitle = TextOrNull(14),
            Section = TextOrNull(15),
            Published = TextOrNull(16),
            PublishedFrom = TextOrNull(22),
            Source = TextOrNull(17),
            Byline = TextOrNull(18),
            Language = TextOrNull(19),
            Paragraphs = JsonSerializer.Deserialize(Text(20), ScraperJsonContext.Default.ListString) ?? [],
            Figures = figures,
            Pages = checked((int)Long(21)),
            Provenance = TextOrNull(23) is { } provenance ? ProvenanceJson.Read(provenance) : FieldProvenance.None,
        };
        var aliases = new List<string>();
        var aliasCommand = Command(
            """
            SELECT a.url FROM pages p JOIN page_aliases a ON a.key = p.key OR a.page_id = p.id
            WHERE p.id = $page AND a.url <> p.url ORDER BY a.first_seen, a.url
            """, ("$page", Long(0)));
        await using (var aliasReader = await aliasCommand.ExecuteReaderAsync(cancellationToken))
            while (await aliasReader.ReadAsync(cancellationToken))
                aliases.Add(aliasReader.GetString(0));
        return new ArchivedArticle(
            article,
            PageId: Long(0),
            Revision: checked((int)Long(8)),
            Revisions: checked((int)Long(6)),
            ContentSha256: Text(9),
            CapturedAt: ParseTime(Text(11)),
            CreatedAt: ParseTime(Text(12)),
            FirstSeen: ParseTime(Text(3)),
            LastChanged: TextOrNull(4) is { } changed ? ParseTime(changed) : null,
            IsLatest: Convert.ToBoolean(row[5], CultureInfo.InvariantCulture))
        {
            LastCapturedAt = TextOrNull(24) is { } captured ? ParseTime(captured) : null,
            Aliases = aliases,
        };
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
