namespace Scraper.Fetching;

/// <summary>What the caller expects back, which decides the Accept header and the content-type check.</summary>
public enum FetchContentKind
{
    /// <summary>A page: any content type is returned; <see cref="FetchResult.IsHtml"/> tells whether to extract it.</summary>
    Page,
    /// <summary>An image: a 2xx answer whose Content-Type is not <c>image/*</c> is an
    /// <see cref="FetchErrorKind.UnexpectedContentType"/> error (servers answer missing images with HTML pages).</summary>
    Image,
}

/// <summary>One URL to download.</summary>
/// <param name="Url">Absolute http(s) URL.</param>
public sealed record FetchRequest(Uri Url)
{
    /// <summary>The ETag recorded at the previous capture, sent as If-None-Match.</summary>
    public string? IfNoneMatch { get; init; }

    /// <summary>The Last-Modified recorded at the previous capture, sent verbatim as If-Modified-Since.</summary>
    public string? IfModifiedSince { get; init; }

    public FetchContentKind Kind { get; init; } = FetchContentKind.Page;

    /// <summary>Hosts the URL and its redirects may be on; null means the URL's own host only.</summary>
    public HostScope? Scope { get; init; }
}
