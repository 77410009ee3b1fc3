namespace Scraper.Fetching;

/// <summary>Why a fetch produced no usable body. <see cref="None"/> covers 2xx and 304.</summary>
public enum FetchErrorKind
{
    None,
    /// <summary>The final answer was an HTTP status that is neither 2xx, 304 nor a followed redirect.</summary>
    HttpStatus,
    /// <summary>No complete answer within the per-attempt timeout (or the connect timeout).</summary>
    Timeout,
    /// <summary>The connection dropped before the whole answer arrived.</summary>
    ConnectionReset,
    /// <summary>No connection could be made (refused, unknown host, TLS failure).</summary>
    ConnectionFailed,
    /// <summary>The server answered with something that is not HTTP.</summary>
    ProtocolError,
    /// <summary>The body exceeded the size limit; <see cref="FetchResult.Body"/> holds the first bytes up to the limit.</summary>
    TooLarge,
    /// <summary>The requested URL itself is not http(s) or not on a host in scope.</summary>
    OutOfScope,
    /// <summary>A redirect pointed to a host out of scope or to a scheme other than http(s); it was not followed.</summary>
    RedirectOutOfScope,
    /// <summary>A redirect pointed back to a URL already visited in this chain.</summary>
    RedirectLoop,
    /// <summary>More redirects than the limit (5).</summary>
    TooManyRedirects,
    /// <summary>robots.txt disallows the URL.</summary>
    DisallowedByRobots,
    /// <summary>robots.txt could not be fetched (network failure, 5xx, 429): the whole host is disallowed for the run
    /// (RFC 9309), and the URL was not fetched.</summary>
    RobotsUnreachable,
    /// <summary>An image was requested but the server answered with another content type.</summary>
    UnexpectedContentType,
    /// <summary>The page source itself failed (for a mirror: the file could not be read).</summary>
    SourceError,
}

/// <summary>The outcome of one <see cref="Downloader.FetchAsync"/> call: always returned, never thrown.</summary>
public sealed record FetchResult
{
    public required Uri RequestedUrl { get; init; }

    /// <summary>The URL that produced the answer, after the redirects that were followed.</summary>
    public required Uri FinalUrl { get; init; }

    /// <summary>The redirect targets followed, in order (empty when there was no redirect).</summary>
    public IReadOnlyList<Uri> Redirects { get; init; } = [];

    /// <summary>The HTTP status of the last answer; null when no answer came (timeout, reset, robots…).</summary>
    public int? StatusCode { get; init; }

    public FetchErrorKind Error { get; init; }

    /// <summary>One line saying what went wrong, for the archive's error column and the CLI.</summary>
    public string? ErrorMessage { get; init; }

    public string? ContentType { get; init; }
    public string? ETag { get; init; }
    /// <summary>The Last-Modified header verbatim, to be sent back as If-Modified-Since.</summary>
    public string? LastModified { get; init; }
    /// <summary>The Retry-After of the last answer, as a delay.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The decoded (decompressed) body; empty when there was none.</summary>
    public byte[] Body { get; init; } = [];

    /// <summary>The request line and headers of the last request sent, as sent; null from a mirror (see <see cref="SourceResponse.RequestHead"/>).</summary>
    public string? RequestHead { get; init; }

    /// <summary>The body was cut at the size limit.</summary>
    public bool Truncated { get; init; }

    /// <summary>Requests sent for this fetch: retries and redirect hops included, robots.txt not.</summary>
    public int Attempts { get; init; }

    /// <summary>Wall time from the call to the result, waits for politeness and backoff included.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>A 2xx answer with a body worth keeping.</summary>
    public bool IsSuccess => Error == FetchErrorKind.None && StatusCode is >= 200 and < 300;

    /// <summary>The server confirmed the previous capture is current (304 to a conditional GET).</summary>
    public bool NotModified => Error == FetchErrorKind.None && StatusCode == 304;

    /// <summary>Whether the body is HTML (by Content-Type, or by sniffing when there is none).</summary>
    public bool IsHtml => IsSuccess && ContentTypes.IsHtml(ContentType, Body);

    /// <summary>The body as text, decoded per <see cref="CharsetDecoder"/>.</summary>
    public string DecodeText() => CharsetDecoder.Decode(Body, ContentType);
}
