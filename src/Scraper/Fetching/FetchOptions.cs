namespace Scraper.Fetching;

/// <summary>How the <see cref="Downloader"/> behaves: politeness, limits and retries.</summary>
public sealed record FetchOptions
{
    public const string DefaultUserAgent =
        "scraper/0.1 (+https://github.com/wuxi-archive/scraper; archive of en.wuxi.gov.cn and wnd.gov.cn English news)";

    public const long DefaultMaxBodyBytes = 10 * 1024 * 1024;

    public string UserAgent { get; init; } = DefaultUserAgent;

    /// <summary>The token robots.txt groups are matched against: the User-Agent's product name (<c>scraper</c>).</summary>
    public string RobotsProductToken => ProductTokenOf(UserAgent);

    /// <summary>Minimum time between the starts of two requests to one host (<c>--delay</c>); zero disables
    /// the spacing. A larger robots.txt Crawl-delay wins.</summary>
    public TimeSpan HostDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests in flight at once to one host, whatever the crawl's overall concurrency.</summary>
    public int MaxConcurrentPerHost { get; init; } = 1;

    /// <summary>A Crawl-delay above this is taken as this: a typo of 86400 must not stall a crawl for a day.</summary>
    public TimeSpan MaxCrawlDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time for one attempt, from sending the request to the last byte of the body.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bodies longer than this (after decompression) are cut off and recorded as
    /// <see cref="FetchErrorKind.TooLarge"/>.</summary>
    public long MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>robots.txt beyond this size is ignored (RFC 9309 asks parsers to read at least 500 KiB).</summary>
    public long MaxRobotsBytes { get; init; } = 512 * 1024;

    public int MaxRedirects { get; init; } = 5;

    public RetryOptions Retry { get; init; } = new();

    internal static string ProductTokenOf(string userAgent)
    {
        var end = 0;
        while (end < userAgent.Length && RobotsRules.IsProductTokenChar(userAgent[end])) end++;
        return end == 0 ? "*" : userAgent[..end];
    }
}

/// <summary>Retries of one request: exponential backoff with jitter; Retry-After is honoured for 429 and 503.</summary>
public sealed record RetryOptions
{
    /// <summary>Tries in all, the first included; 1 disables retries.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The backoff before the first retry; later ones grow exponentially from it (with jitter).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of a computed backoff.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound of a server's Retry-After that is waited for.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(120);
}
