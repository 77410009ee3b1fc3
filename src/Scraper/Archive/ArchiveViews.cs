using Scraper.Extraction;

namespace Scraper.Archive;

/// <summary>A page of the archive that has an article, as <c>list</c> shows it.</summary>
/// <param name="LastChanged">When the page's current content was first seen.</param>
public sealed record ArchivedPage(
    long PageId,
    string Url,
    string? Site,
    string? Title,
    string? Published,
    string Extractor,
    int Revisions,
    int Captures,
    DateTimeOffset FirstSeen,
    DateTimeOffset? LastChanged);

/// <summary>One revision of a page as an <see cref="Article"/>, with where it sits in the page's history.</summary>
/// <param name="Revision">The revision's number (1 = the first article seen for the page).</param>
/// <param name="CapturedAt">When this revision's content was first captured.</param>
/// <param name="FirstSeen">When the page was first captured.</param>
/// <param name="LastChanged">When the page's current content was first seen.</param>
/// <param name="IsLatest">Whether this is the page's current revision.</param>
public sealed record ArchivedArticle(
    Article Article,
    long PageId,
    int Revision,
    int Revisions,
    string ContentSha256,
    DateTimeOffset CapturedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset FirstSeen,
    DateTimeOffset? LastChanged,
    bool IsLatest)
{
    /// <summary>When the newest capture showing this revision was made (a 304 confirming it counts); null if none shows it now.</summary>
    public DateTimeOffset? LastCapturedAt { get; init; }
    /// <summary>The page's other URLs (see <see cref="PageIdentity"/>): the other scheme, a mirror host, a canonical link's page.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
}

/// <summary>A line of a page's history.</summary>
/// <param name="FirstSeen">When this content was first captured.</param>
/// <param name="CreatedAt">When the revision was written (later than FirstSeen for revisions made by reextract).</param>
/// <param name="Captures">How many captures currently show this revision.</param>
public sealed record RevisionSummary(
    int Number,
    DateTimeOffset FirstSeen,
    DateTimeOffset CreatedAt,
    string Extractor,
    string ContentSha256,
    string? Title,
    int Captures,
    bool IsLatest);

/// <summary>How a page is addressed: its id, canonical URL, and page 1's URL when it is a continuation page.</summary>
public sealed record PageReference(long PageId, string Url, string? ContinuationOf, bool HasArticle);

/// <param name="Snippet">Text around the best match, matched terms between the requested markers.</param>
/// <param name="Score">bm25 score (lower is better).</param>
public sealed record SearchHit(long PageId, string Url, string? Title, string Snippet, double Score);

/// <summary>A stored capture to re-extract.</summary>
/// <param name="Site">The site the page was archived under (its rules read it), if any.</param>
/// <param name="Url">The URL the capture came from (the page's, or one of its aliases).</param>
public sealed record StoredCapture(long CaptureId, long PageId, string Url, DateTimeOffset CapturedAt, string? ContentType, bool IsContinuation, string BodySha256)
{
    public string? Site { get; init; }

    /// <summary>The page's own URL, when the capture came from another (an alias).</summary>
    public string? PageUrl { get; init; }
}

/// <summary>The validators for a conditional GET of a page (from its newest capture).</summary>
public sealed record ConditionalGetValidators(string? ETag, string? LastModified);

/// <summary>Counts and sizes for <c>scraper stats</c>.</summary>
public sealed record ArchiveStats(
    string Path,
    long FileBytes,
    int SchemaVersion,
    long Pages,
    long ArticlePages,
    long ContinuationPages,
    long Captures,
    long Revisions,
    long Figures,
    long Bodies,
    long BodyBytes,
    long StoredBodyBytes,
    long Images,
    long Runs,
    long FrontierUrls,
    DateTimeOffset? FirstCapture,
    DateTimeOffset? LastCapture,
    IReadOnlyDictionary<string, long> PagesBySite,
    IReadOnlyDictionary<string, long> LatestRevisionsByExtractor);

/// <summary>
/// Which article pages (pages with at least one revision) <see cref="ArchiveReader.ListPagesAsync"/>,
/// <see cref="ArchiveReader.ReadArticlesAsync"/>, <see cref="ExportReader.ReadFiguresAsync"/> and
/// <see cref="ExportReader.ReadCapturesAsync"/> return. Every condition is on the page and its current revision, so a
/// page is selected whole: with <see cref="AllRevisions"/> its older revisions come along even when they differ.
/// </summary>
/// <param name="Site">Only this site family.</param>
/// <param name="ChangedSince">Only pages whose current content was first seen at or after this time.</param>
/// <param name="AllRevisions">Every revision, oldest first per page, instead of only the latest (for captures: every capture).</param>
/// <param name="PublishedSince">Only pages whose current revision was published on or after this date; pages without a date are left out.</param>
/// <param name="PublishedUntil">Only pages whose current revision was published on or before this date; pages without a date are left out.</param>
public sealed record PageFilter(
    string? Site = null,
    DateTimeOffset? ChangedSince = null,
    bool AllRevisions = false,
    DateOnly? PublishedSince = null,
    DateOnly? PublishedUntil = null);

/// <summary>A figure of an archived revision, as <c>export --figures</c> writes it.</summary>
/// <param name="Ordinal">The figure's place in the revision, from 0, in document order.</param>
/// <param name="ImageSha256">The stored image's sha256 when the crawl downloaded it (<c>--images</c>), else null.</param>
public sealed record ArchivedFigure(
    string Url,
    int Revision,
    int Ordinal,
    string Src,
    string? Alt,
    string? Caption,
    string? Credit,
    int Position,
    string? ImageSha256)
{
    /// <summary>Null for an image, <c>video</c> for a video.</summary>
    public string? Media { get; init; }
}

/// <summary>A stored capture, for the WARC export; its raw (decompressed) body is read only when asked for.</summary>
/// <param name="Url">The URL the capture was made from: the captured page's canonical URL (a continuation page's own), or
/// the alias it was fetched or imported under.</param>
/// <param name="HttpStatus">The response's status; null for imported files.</param>
/// <param name="BodySize">The raw body's length in bytes.</param>
/// <param name="LoadBodyAsync">Reads the raw body; call it while the enumeration is at this capture. A revisit record
/// needs no body, and most captures of a page repeat a body or are 304s.</param>
public sealed record ArchivedCapture(
    long CaptureId,
    string Url,
    DateTimeOffset CapturedAt,
    CaptureOrigin Origin,
    int? HttpStatus,
    string? ETag,
    string? LastModified,
    string? ContentType,
    string BodySha256,
    long BodySize,
    Func<CancellationToken, Task<byte[]>> LoadBodyAsync)
{
    /// <summary>The request line and headers the fetch sent, as sent; null for imports, mirror crawls and captures before schema version 4.</summary>
    public string? RequestHead { get; init; }
    /// <summary>For page 2, 3 … of a split article: page 1's URL.</summary>
    public string? ContinuationOf { get; init; }
    /// <summary>The revision the capture shows (what the current extractors make of it), if it has an article.</summary>
    public int? Revision { get; init; }
    public string? Extractor { get; init; }
    public string? ContentSha256 { get; init; }
    /// <summary>What the crawl fetched the URL as: <c>list</c>, <c>page</c> or <c>sitemap</c> (null when the crawl never queued it).</summary>
    public string? CrawledAs { get; init; }
    public long? RunId { get; init; }
}

/// <summary>A stored image (crawl --images), for the WARC export: the address it is shown at and, since schema version 4, how it was fetched.</summary>
/// <param name="Url">The figure's src.</param>
/// <param name="Date">When it was fetched; for an image stored before schema version 4, when a revision showing it was first captured.</param>
/// <param name="HttpStatus">The fetch's status; null when the fetch was not recorded (before schema version 4).</param>
/// <param name="RequestHead">The request as sent; null from a mirror or when the fetch was not recorded.</param>
public sealed record ArchivedImage(
    string Url,
    string Sha256,
    string? ContentType,
    long Size,
    DateTimeOffset Date,
    int? HttpStatus,
    string? RequestHead,
    Func<CancellationToken, Task<byte[]>> LoadBodyAsync);
