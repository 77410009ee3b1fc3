namespace Scraper.Fetching;

/// <summary>
/// The origins a crawl may fetch from: each one a scheme, a host and a port. Entries are written three ways:
/// <c>en.wuxi.gov.cn</c> (a site's host: http on port 80 and https on 443, so the usual http → https redirect stays
/// in scope), <c>127.0.0.1:5000</c> (that port, over http or https) and <c>http://127.0.0.1:5000</c> (that origin
/// only). A URL on another port of a host in scope is out of scope: another port is another server.
/// </summary>
public sealed class HostScope
{
    private readonly HashSet<string> _origins = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _hosts = [];

    public HostScope(IEnumerable<string> entries)
    {
        foreach (var entry in entries) Add(entry.Trim());
        if (_origins.Count == 0) throw new ArgumentException("A scope needs at least one host.", nameof(entries));
    }

    public HostScope(params string[] hosts) : this((IEnumerable<string>)hosts) { }

    /// <summary>The host names in scope (whatever their ports), for link filters that look at hosts only.</summary>
    public IReadOnlyCollection<string> Hosts => _hosts;

    /// <summary>The scope of a request that names none: the URL's own origin.</summary>
    public static HostScope Of(Uri url) => new(OriginOf(url));

    /// <summary>A URL's origin as the scope keys it: <c>https://en.wuxi.gov.cn:443</c>.</summary>
    public static string OriginOf(Uri url) => $"{url.Scheme}://{url.IdnHost.TrimEnd('.')}:{url.Port}".ToLowerInvariant();

    public static bool IsHttp(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    public bool Contains(Uri url) => IsHttp(url) && _origins.Contains(OriginOf(url));

    private void Add(string entry)
    {
        if (entry.Length == 0) return;
        if (entry.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var origin) || !IsHttp(origin))
                throw new ArgumentException($"not an http(s) origin: {entry}", nameof(entry));
            _origins.Add(OriginOf(origin));
            AddHost(origin.IdnHost);
            return;
        }
        // host, or host:port ([::1]:8080 for IPv6); a path (a site served under a folder of a shared host) is not part of the origin.
        var authority = entry.Split('/')[0];
        if (!Uri.TryCreate("http://" + authority, UriKind.Absolute, out var parsed))
            throw new ArgumentException($"not a host: {entry}", nameof(entry));
        var host = parsed.IdnHost.TrimEnd('.');
        if (parsed.IsDefaultPort && !authority.EndsWith(":80", StringComparison.Ordinal))
        {
            _origins.Add($"http://{host}:80".ToLowerInvariant());
            _origins.Add($"https://{host}:443".ToLowerInvariant());
        }
        else
        {
            _origins.Add($"http://{host}:{parsed.Port}".ToLowerInvariant());
            _origins.Add($"https://{host}:{parsed.Port}".ToLowerInvariant());
        }
        AddHost(host);
    }

    private void AddHost(string host)
    {
        host = host.TrimEnd('.').ToLowerInvariant();
        if (!_hosts.Contains(host)) _hosts.Add(host);
    }
}
