namespace Scraper.Fetching;

/// <summary>
/// Where answers come from: the network (<see cref="HttpPageSource"/>) or a folder (<see cref="MirrorPageSource"/>).
/// A source sends exactly one request: it does not follow redirects, retry, throttle or consult robots.txt;
/// the <see cref="Downloader"/> does those for every source alike.
/// </summary>
public interface IPageSource
{
    /// <summary>Sends one GET. Network faults are thrown as <see cref="PageSourceException"/>; a cancelled
    /// <paramref name="cancellationToken"/> (the caller's or the attempt's timeout) as <see cref="OperationCanceledException"/>.</summary>
    Task<SourceResponse> SendAsync(SourceRequest request, CancellationToken cancellationToken);
}

/// <summary>One GET as a source sends it.</summary>
public sealed record SourceRequest(Uri Url)
{
    public string? UserAgent { get; init; }
    public string? Accept { get; init; }
    public string? IfNoneMatch { get; init; }
    public string? IfModifiedSince { get; init; }
    /// <summary>Read at most this many body bytes; a longer body is cut and flagged <see cref="SourceResponse.Truncated"/>.</summary>
    public long MaxBodyBytes { get; init; } = FetchOptions.DefaultMaxBodyBytes;
}

/// <summary>One answer, headers we keep and the body.</summary>
public sealed record SourceResponse(int StatusCode)
{
    public string? ReasonPhrase { get; init; }
    /// <summary>The Location header verbatim (possibly relative).</summary>
    public string? Location { get; init; }
    public string? ContentType { get; init; }
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    /// <summary>The Retry-After header verbatim: delta-seconds or an HTTP date.</summary>
    public string? RetryAfter { get; init; }
    public byte[] Body { get; init; } = [];
    public bool Truncated { get; init; }
    /// <summary>
    /// The request line and headers exactly as sent (<c>GET /path HTTP/1.1</c>, <c>Host: …</c>, …, an empty line), for
    /// the archive's WARC request records; null when nothing went over the network (a mirror).
    /// </summary>
    public string? RequestHead { get; init; }
}

/// <summary>A fault below HTTP (reset, refused connection, unreadable file), classified by the source.</summary>
public sealed class PageSourceException(FetchErrorKind kind, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public FetchErrorKind Kind { get; } = kind;
}
