using System.Net;
using System.Net.Sockets;
using Scraper.Fetching;
using Scraper.Tests.Support;

namespace Scraper.Tests.Fetching;

/// <summary>Downloader settings that keep fault tests fast: no politeness spacing, millisecond backoff.</summary>
internal static class FetchTestKit
{
    public const string Host = "site.test";

    public static FetchOptions FastOptions(TimeSpan? attemptTimeout = null, int maxAttempts = 4) => new()
    {
        HostDelay = TimeSpan.Zero,
        AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(5),
        Retry = new RetryOptions
        {
            MaxAttempts = maxAttempts,
            BaseDelay = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
        },
    };

    public static async Task<LoopbackSite> StartSiteAsync()
    {
        var site = await LoopbackSite.StartAsync(defaultHost: Host);
        site.AddFile(Host, "/2023-11/23/c_941797.htm", Page("Wuxi hosts the expo", "The expo opened on Thursday."));
        site.AddFile(Host, "/index.html", Page("Home", "Welcome."));
        return site;
    }

    public static string Page(string title, string paragraph) =>
        $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>" +
        $"<body><h1>{title}</h1><p>{paragraph}</p></body></html>\n";

    /// <summary>A loopback port nothing listens on.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Gaps between consecutive logged requests.</summary>
    public static TimeSpan[] Gaps(IEnumerable<LoggedRequest> requests)
    {
        var times = requests.Select(r => r.At).Order().ToArray();
        return times.Zip(times.Skip(1), (a, b) => b - a).ToArray();
    }
}
