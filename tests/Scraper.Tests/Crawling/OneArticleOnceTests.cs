using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Cli;
using Scraper.Crawling;
using Scraper.Fetching;
using Scraper.Sites;
using Scraper.Tests.Support;

namespace Scraper.Tests.Crawling;

/// <summary>
/// One article under its four URLs (http and https of en.wuxi.gov.cn and of its mirror www.wuxinews.com.cn) is one page,
/// imported or crawled, from the command line: one page, one fetch, the other URLs its aliases, counted once by list,
/// search, export and changes.
/// </summary>
public sealed class OneArticleOnceTests : IDisposable
{
    private const string ArticlePath = "/2024-05/01/c_900.htm";
    private static readonly string[] FourUrls =
    [
        "http://www.wuxinews.com.cn" + ArticlePath, "https://en.wuxi.gov.cn" + ArticlePath,
        "http://en.wuxi.gov.cn" + ArticlePath, "https://www.wuxinews.com.cn" + ArticlePath,
    ];
    private readonly TempFolder _temp = new();

    private string Db => _temp.File("archive.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private static string ArticleHtml(string title, string counter, string extra = "") => $"""
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>
        <div class="crumb"><a href="/">Home</a> &gt; <a href="/news.html">News</a></div>
        <h1 class="art-title">{title}</h1><div class="art-info">Updated: 2024-05-01 (en.wuxi.gov.cn)</div>
        <div id="Content"><p><img src="museum.jpg" alt="The new museum hall"></p><p>The Grand Canal museum opened its doors on Wednesday.</p><p>Visitors came from Suzhou and Changzhou. {extra}</p></div>
        <div class="art-views">{counter}</div></body></html>
        """;

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync([.. args, "--db", Db]);

    [Fact]
    public async Task Imported_under_its_four_urls_an_article_is_one_page_with_a_capture_each_and_a_revision_when_it_differs()
    {
        var outputs = new List<string>();
        for (var i = 0; i < FourUrls.Length; i++)
        {
            // Each copy was saved at another time: the view counter differs, the article not.
            var file = _temp.File($"saved{i}.html");
            File.WriteAllText(file, ArticleHtml("Grand Canal museum opens", $"{i + 1}.2K"));
            var import = await Run("import", file, "--url", FourUrls[i]);
            Assert.True(import.ExitCode == ExitCodes.Ok, import.Error);
            outputs.Add(import.Out.Split('\n')[0]);
        }
        // The first spelling met is archived under the canonical host, with its own scheme; the others add to it (their
        // relative image read as at the page's URL, so the same article is the same revision).
        Assert.Equal($"new          http://en.wuxi.gov.cn{ArticlePath} (as http://www.wuxinews.com.cn{ArticlePath})", outputs[0]);
        Assert.Equal($"recaptured   http://en.wuxi.gov.cn{ArticlePath} (as https://en.wuxi.gov.cn{ArticlePath})", outputs[1]);
        Assert.Equal($"recaptured   http://en.wuxi.gov.cn{ArticlePath}", outputs[2]);
        Assert.StartsWith("recaptured", outputs[3]);

        var changed = _temp.File("changed.html");
        File.WriteAllText(changed, ArticleHtml("Grand Canal museum opens", "5K", "(Corrected: it opened on Thursday.)"));
        var revision = await Run("import", changed, "--url", "https://www.wuxinews.com.cn" + ArticlePath);
        Assert.StartsWith($"revision 2   http://en.wuxi.gov.cn{ArticlePath}", revision.Out);

        var shown = JsonNode.Parse((await Run("show", "https://www.wuxinews.com.cn" + ArticlePath)).Out)!;
        Assert.Equal("http://en.wuxi.gov.cn" + ArticlePath, (string)shown["url"]!);
        Assert.Equal("http://en.wuxi.gov.cn/2024-05/01/museum.jpg", (string)shown["figures"]![0]!["src"]!);
        Assert.Equal(FourUrls.Where(u => u != "http://en.wuxi.gov.cn" + ArticlePath).Order(), shown["aliases"]!.AsArray().Select(a => (string)a!).Order());
        var text = (await Run("show", "http://en.wuxi.gov.cn" + ArticlePath, "-f", "text")).Out;
        Assert.Contains($"Also at: http://www.wuxinews.com.cn{ArticlePath} (1 capture), https://en.wuxi.gov.cn{ArticlePath} (1 capture), https://www.wuxinews.com.cn{ArticlePath} (2 captures)", text);
        // Read again from every capture, whichever URL it came from, the article is what was stored.
        Assert.Contains(" 0 new revision(s)", (await Run("reextract")).Out);
        await AssertOneArticleAsync(captures: 5, revisions: 2);
    }

    /// <summary>list, search, export (CSV and JSON Lines) and changes each count the article once; the archive holds it once.</summary>
    private async Task AssertOneArticleAsync(int captures, int revisions)
    {
        Assert.Single(JsonNode.Parse((await Run("list", "-f", "json")).Out)!.AsArray());
        Assert.Single(JsonNode.Parse((await Run("search", "museum", "-f", "json")).Out)!.AsArray());
        Assert.Single(JsonNode.Parse((await Run("changes", "--since", "2000-01-01", "-f", "json")).Out)!.AsArray());
        var csv = _temp.File("out.csv");
        Assert.Equal(ExitCodes.Ok, (await Run("export", "-o", csv)).ExitCode);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(csv), "c_900\\.htm"));
        var jsonl = _temp.File("out.jsonl");
        Assert.Equal(ExitCodes.Ok, (await Run("export", "-f", "jsonl", "--all-revisions", "-o", jsonl)).ExitCode);
        Assert.Equal(revisions, File.ReadAllLines(jsonl).Length);
        var history = JsonNode.Parse((await Run("history", FourUrls[3], "-f", "json")).Out)!.AsArray();
        Assert.Equal(revisions, history.Count);
        Assert.Equal(captures, Tests.Archive.ArchiveFixtures.Count(Db, "SELECT count(*) FROM captures c JOIN pages p ON p.id = c.page_id WHERE p.kind = 'article'"));
        Assert.Equal(1, Tests.Archive.ArchiveFixtures.Count(Db, "SELECT count(*) FROM pages WHERE kind = 'article'"));
    }

    [Fact]
    public async Task Crawled_under_its_four_urls_an_article_is_fetched_once_and_is_one_page()
    {
        // A mirror of both hosts: the list links the article under all four URLs; each host serves it.
        var mirror = _temp.File("mirror");
        foreach (var host in new[] { "en.wuxi.gov.cn", "www.wuxinews.com.cn" })
        {
            Directory.CreateDirectory(Path.Combine(mirror, host, "2024-05", "01"));
            File.WriteAllText(Path.Combine(mirror, host, "2024-05", "01", "c_900.htm"), ArticleHtml("Grand Canal museum opens", "1K"));
        }
        var links = string.Concat(FourUrls.Select(u => $"<li><a href=\"{u}\">Grand Canal museum opens</a><span>2024-05-01</span></li>"));
        File.WriteAllText(Path.Combine(mirror, "en.wuxi.gov.cn", "bizupdates.html"),
            $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><ul class=\"list-content\">{links}</ul></body></html>");

        var crawl = await Run("crawl", "--mirror", mirror, "--site", "en.wuxi.gov.cn", "-f", "json");
        Assert.True(crawl.ExitCode == ExitCodes.Ok, crawl.Error);
        Assert.Equal(1, (int)JsonNode.Parse(crawl.Out)!["new_pages"]!);
        // Fetched once, under the spelling the list gave first; the page is keyed under the canonical host.
        var fetches = crawl.Error.Split('\n').Where(l => l.Contains(ArticlePath)).ToList();
        Assert.Contains($" info  new          {FourUrls[0]}  (revision 1, site:en.wuxi.gov.cn, page http://en.wuxi.gov.cn{ArticlePath}", Assert.Single(fetches));
        Assert.Equal(1, Tests.Archive.ArchiveFixtures.Count(Db, $"SELECT count(*) FROM frontier WHERE url LIKE '%{ArticlePath}'"));

        var shown = JsonNode.Parse((await Run("show", "https://en.wuxi.gov.cn" + ArticlePath)).Out)!;
        Assert.Equal("http://en.wuxi.gov.cn" + ArticlePath, (string)shown["url"]!);
        Assert.Equal(3, shown["aliases"]!.AsArray().Count);
        await AssertOneArticleAsync(captures: 1, revisions: 1);

        // Checked again, it is asked for under the same URL, conditionally, and stays one page.
        var again = await Run("crawl", "--mirror", mirror, "--site", "en.wuxi.gov.cn", "--revisit", "all", "-f", "json");
        Assert.True(again.ExitCode == ExitCodes.Ok, again.Error);
        Assert.Contains(again.Error.Split('\n'), l => LogLine.Outcome(l) == "not-modified" && l.Contains(FourUrls[0]));
        await AssertOneArticleAsync(captures: 2, revisions: 1);
    }

    [Fact]
    public async Task Two_hosts_on_a_real_server_give_one_page_fetched_once()
    {
        // Both hosts resolve to one Kestrel server on 127.0.0.1 (plain http), each answering from its own folder.
        await using var site = await LoopbackSite.StartAsync();
        foreach (var host in new[] { "en.wuxi.gov.cn", "www.wuxinews.com.cn" })
            site.AddFile(host, ArticlePath, ArticleHtml("Grand Canal museum opens", "1K"));
        site.AddFile("en.wuxi.gov.cn", "/bizupdates.html",
            "<html><body><ul class=\"list-content\">" + string.Concat(new[] { "http://www.wuxinews.com.cn", "http://en.wuxi.gov.cn" }
                .Select(h => $"<li><a href=\"{h}{ArticlePath}\">Museum</a></li>")) + "</ul></body></html>");
        using var http = new HttpPageSource(new HttpPageSourceOptions
        {
            HostOverrides = new Dictionary<string, IPEndPoint> { ["en.wuxi.gov.cn"] = site.EndPoint, ["www.wuxinews.com.cn"] = site.EndPoint },
            UseSystemProxy = false,
        });
        var wuxi = SiteCatalog.Default.Find("en.wuxi.gov.cn")! with { Hosts = ["en.wuxi.gov.cn", "www.wuxinews.com.cn"] };
        var options = new CrawlOptions { Sites = [wuxi], StartUrls = [new Uri("http://en.wuxi.gov.cn/bizupdates.html")], Sitemaps = false };
        var fetch = new FetchOptions { HostDelay = TimeSpan.Zero };
        for (var run = 0; run < 2; run++)
        {
            await using var store = await ArchiveStore.OpenAsync(Db, ArchiveAccess.ReadWrite);
            var summary = await new Crawler(store, new Downloader(http, fetch), options with { Revisit = RevisitMode.All }).RunAsync(null, CancellationToken.None);
            Assert.Equal("ok", summary.Status);
            Assert.Empty(await store.CheckIntegrityAsync());
        }
        // One request per crawl, the second conditional, both to the host the list named first.
        var requests = site.RequestsTo(ArticlePath);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.StartsWith("www.wuxinews.com.cn", r.Host));
        Assert.NotNull(requests[1].IfNoneMatch);
        Assert.Equal(1, Tests.Archive.ArchiveFixtures.Count(Db, "SELECT count(*) FROM pages WHERE kind = 'article'"));
        Assert.Equal(1, Tests.Archive.ArchiveFixtures.Count(Db, "SELECT count(*) FROM captures WHERE http_status = 304"));
        var shown = JsonNode.Parse((await Run("show", "http://www.wuxinews.com.cn" + ArticlePath, "-f", "json")).Out)!;
        Assert.Equal("http://en.wuxi.gov.cn" + ArticlePath, (string)shown["url"]!);
    }
}
