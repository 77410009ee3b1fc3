using System.Collections.Concurrent;

namespace Scraper.Fetching;

/// <summary>
/// robots.txt of each origin (scheme, host, port), fetched at most once per run however many requests
/// ask for it at the same time. A fetch abandoned because its caller was cancelled is forgotten, so the
/// next caller fetches again instead of inheriting the cancellation.
/// </summary>
internal sealed class RobotsCache(Func<Uri, HostScope, CancellationToken, Task<RobotsRules>> fetchRobots)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<RobotsRules>>> _origins = new(StringComparer.OrdinalIgnoreCase);

    public static Uri RobotsUrlOf(Uri url) => new(url.GetLeftPart(UriPartial.Authority) + "/robots.txt");

    /// <summary>Origins whose robots.txt has been fetched (or is being fetched) in this run.</summary>
    public int Count => _origins.Count;

    /// <param name="scope">Hosts a redirect of robots.txt may lead to (used by the first caller for an origin).</param>
    public async Task<RobotsRules> GetAsync(Uri url, HostScope scope, CancellationToken cancellationToken)
    {
        var robotsUrl = RobotsUrlOf(url);
        var key = robotsUrl.GetLeftPart(UriPartial.Authority);
        while (true)
        {
            var entry = _origins.GetOrAdd(key, _ => new Lazy<Task<RobotsRules>>(() => fetchRobots(robotsUrl, scope, cancellationToken)));
            try
            {
                return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (entry.Value.IsCanceled)
            {
                _origins.TryRemove(new KeyValuePair<string, Lazy<Task<RobotsRules>>>(key, entry));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }
}
