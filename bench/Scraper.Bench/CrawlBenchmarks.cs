using System.Diagnostics;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scraper.Archive;
using Scraper.Crawling;
using Scraper.Fetching;
using Scraper.Sites;

namespace Scraper.Bench;

/// <summary>
/// A whole crawl, end to end (fetch over HTTP, extract, store), of a generated site of 10,000 articles served by
/// Kestrel on 127.0.0.1, with politeness off (no delay between requests). One operation is the whole crawl into
/// a new archive; pages/s = 10,000 / mean. The process's peak working set is printed after the run.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 3)]
public class CrawlBenchmarks
{
    private const int Articles = 10_000;
    private const int PerList = 50;
    private WebApplication _site = null!;
    private Uri _start = null!;
    private string _template = null!;
    private string _folder = null!;

    [Params(8)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A real sample page as the template: its boilerplate and size are what a live page has.
        _template = File.ReadAllText(Path.Combine(BenchPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm"));
        _folder = Directory.CreateTempSubdirectory("crawl-bench-").FullName;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging(l => l.ClearProviders());
        _site = builder.Build();
        _site.Run(ServeAsync);
        _site.StartAsync().GetAwaiter().GetResult();
        var address = _site.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _start = new Uri(new Uri(address), "/bizupdates.html");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _site.StopAsync().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
        Console.WriteLine($"// peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MB");
    }

    [Benchmark]
    public async Task<int> Crawl10000Pages()
    {
        var db = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".db");
        var rule = SiteCatalog.Default.Find("en.wuxi.gov.cn")! with { Hosts = ["127.0.0.1"] };
        await using var store = await ArchiveStore.OpenAsync(db, ArchiveAccess.ReadWrite);
        using var http = new HttpPageSource(new HttpPageSourceOptions { UseSystemProxy = false });
        var downloader = new Downloader(http, new FetchOptions { HostDelay = TimeSpan.Zero, MaxConcurrentPerHost = Concurrency });
        var crawler = new Crawler(store, downloader, new CrawlOptions
        {
            Sites = [rule], StartUrls = [_start], Concurrency = Concurrency, Sitemaps = false,
        });
        var summary = await crawler.RunAsync(null, CancellationToken.None);
        if (summary.Counts.NewPages != Articles) throw new InvalidOperationException($"crawled {summary.Counts.NewPages} articles, not {Articles}: {summary.Status}");
        return summary.Counts.NewPages;
    }

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        string? html = null;
        if (path.StartsWith("/bizupdates", StringComparison.Ordinal))
        {
            var page = path == "/bizupdates.html" ? 1 : int.Parse(path["/bizupdates_".Length..^".html".Length]);
            html = ListPage(page);
        }
        else if (path.StartsWith("/2024-01/01/c_", StringComparison.Ordinal) && int.TryParse(path["/2024-01/01/c_".Length..^".htm".Length], out var id))
        {
            html = ArticlePage(id);
        }
        if (html is null) { context.Response.StatusCode = 404; return; }
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(html);
    }

    private static string ListPage(int page)
    {
        var sb = new StringBuilder("<html><body><div class=\"list-content\"><ul>");
        for (var i = (page - 1) * PerList; i < Math.Min(Articles, page * PerList); i++)
            sb.Append($"<li><a href=\"/2024-01/01/c_{i}.htm\">Article {i}</a><span>2024-01-01</span></li>");
        sb.Append("</ul></div><div class=\"page\">");
        if (page * PerList < Articles) sb.Append($"<a href=\"/bizupdates_{page + 1}.html\">Next</a>");
        return sb.Append("</div></body></html>").ToString();
    }

    private string ArticlePage(int id) =>
        _template.Replace("WND to strengthen business collaboration with Japanese enterprises", $"Article {id}: WND strengthens collaboration")
            .Replace("Over 100 high-level executives", $"Over {100 + id} high-level executives");
}
