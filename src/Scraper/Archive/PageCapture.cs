namespace Scraper.Archive;

public enum CaptureOrigin
{
    /// <summary>Fetched from the site by the crawler or <c>fetch</c>.</summary>
    Fetch,
    /// <summary>Read from a saved file by <c>import</c>.</summary>
    Import,
}

/// <summary>What a page is; only article pages get revisions.</summary>
public enum PageKind
{
    /// <summary>An article page (or a page that may hold one).</summary>
    Article,
    /// <summary>A section list page: kept as captures, read for links, never an article.</summary>
    List,
    /// <summary>A host's robots.txt, kept as captures (a web archive's replay needs it).</summary>
    Robots,
}

/// <summary>One fetch or import of a page: the raw body and the HTTP facts that came with it.</summary>
/// <param name="Url">The URL the body was fetched from (canonicalised by the store).</param>
public sealed record PageCapture(Uri Url, DateTimeOffset CapturedAt, ReadOnlyMemory<byte> Body, CaptureOrigin Origin)
{
    public int? HttpStatus { get; init; }
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    public string? ContentType { get; init; }
    /// <summary>The crawl run that fetched it, if any.</summary>
    public long? RunId { get; init; }
    /// <summary>For page 2, 3 … of a split article: the URL of page 1. Such captures get no revision.</summary>
    public Uri? ContinuationOf { get; init; }
    /// <summary>What the page is; a list or robots.txt capture never gets an article.</summary>
    public PageKind Kind { get; init; } = PageKind.Article;
    /// <summary>The request line and headers the fetch sent, as sent (for WARC request records); null when none went out.</summary>
    public string? RequestHead { get; init; }
    /// <summary>The site whose rules read the page (also for a page served by another host, as with <c>crawl --start</c>);
    /// stored with the page, so that <c>reextract</c> reads it with the same rules; for a page without an article (a list
    /// page), the only record of its site family.</summary>
    public string? Site { get; init; }
}

/// <summary>A 304 Not Modified of a continuation page, stored with its page 1's.</summary>
/// <param name="RequestHead">The conditional GET as sent (see <see cref="PageCapture.RequestHead"/>).</param>
public sealed record NotModifiedCapture(Uri Url, string? ETag, string? LastModified, string? RequestHead = null);

/// <summary>What storing one capture changed in the archive.</summary>
/// <param name="Url">The canonical URL the page is stored under.</param>
/// <param name="CaptureAdded">False when an import's body equalled the page's newest capture (nothing new was seen); a fetch always adds one.</param>
/// <param name="BodyAdded">False when an identical body was already stored (for this page or another).</param>
/// <param name="RevisionNumber">The page's revision the article is, or null when no article was stored.</param>
public sealed record StoreResult(
    long PageId,
    string Url,
    long CaptureId,
    bool PageAdded,
    bool CaptureAdded,
    bool BodyAdded,
    int? RevisionNumber,
    bool RevisionAdded)
{
    /// <summary>The URL the capture came from, when it is an alias of the page's <see cref="Url"/> (the other scheme, a mirror host).</summary>
    public string? Alias { get; init; }
}

/// <summary>What re-extracting one stored capture changed.</summary>
public sealed record ReextractResult(long CaptureId, int? RevisionNumber, bool RevisionAdded, bool LatestChanged);

/// <summary>
/// A page's body and article with what the store derives from them (sha256, compressed body, content hash, JSON),
/// made by <see cref="ArchiveStore.Prepare"/> on any thread so that the archive's single writer only writes.
/// </summary>
public sealed record PreparedPage
{
    internal PreparedPage(ReadOnlyMemory<byte> body, Extraction.Article? article, string bodySha256)
    {
        Body = body;
        Article = article;
        BodySha256 = bodySha256;
        // Only an article page's canonical link can name the page it is (see PageIdentity.AcceptCanonicalLink).
        DeclaredCanonical = article is null ? null : PageIdentity.FindCanonicalLink(body.Span);
    }

    public ReadOnlyMemory<byte> Body { get; }
    public Extraction.Article? Article { get; }
    internal string BodySha256 { get; }
    /// <summary>The href of the page's <c>&lt;link rel="canonical"&gt;</c>, if it has one.</summary>
    internal string? DeclaredCanonical { get; }
    /// <summary>Null when the body was not compressed ahead (the store then compresses it if the archive lacks it).</summary>
    internal CaptureWriter.CompressedBody? Compressed { get; init; }
    internal PreparedArticle? PreparedArticle { get; init; }
}
