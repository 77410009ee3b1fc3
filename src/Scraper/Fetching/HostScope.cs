namespace Scraper.Fetching;

/// <summary>
/// The hosts a crawl may fetch from. An entry matches a URL's host name; an entry with a port
/// (<c>127.0.0.1:5000</c>) matches that authority only. Only http and https URLs are ever in scope.
/// </summary>
public sealed class HostScope
{
    private readonly HashSet<string> _entries;

    public HostScope(IEnumerable<string> hosts)
    {
        _entries = new HashSet<string>(hosts.Select(h => h.Trim().TrimEnd('.')), StringComparer.OrdinalIgnoreCase);
        if (_entries.Count == 0) throw new ArgumentException("A scope needs at least one host.", nameof(hosts));
    }

    public HostScope(params string[] hosts) : this((IEnumerable<string>)hosts) { }

    public IReadOnlyCollection<string> Hosts => _entries;

    /// <summary>The scope of a request that names none: the URL's own host.</summary>
    public static HostScope Of(Uri url) => new(url.IdnHost);

    public static bool IsHttp(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    public bool Contains(Uri url) =>
        IsHttp(url) && (_entries.Contains(url.IdnHost) || _entries.Contains(url.IdnHost + ":" + url.Port));
}
