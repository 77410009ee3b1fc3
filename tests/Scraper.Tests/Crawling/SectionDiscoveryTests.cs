using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Scraper.Cli;
using Scraper.Tests.Support;

namespace Scraper.Tests.Crawling;

/// <summary>
/// A site on a real server on 127.0.0.1 whose articles are reachable only through sections its navigation links to (one
/// only through an article's crumb), crawled from the command line: every section is found and read with its pagination,
/// standing pages are no sections and no articles, a section the navigation links to in vain is missing, a video page is
/// an article with its video; <c>scraper sections</c> reports them; <c>--sections</c> narrows.
/// </summary>
public sealed class SectionDiscoveryTests : IAsyncLifetime
{
    private const string Host = "loop.test";
    private readonly TempFolder _temp = new();
    private LoopbackSite _site = null!;

    private string Db => _temp.File("archive.db");

    public async Task InitializeAsync()
    {
        _site = await LoopbackSite.StartAsync(defaultHost: Host);
        // The start list (Biz Updates) links one article; the navigation of every page links the other sections.
        AddList("/bizupdates.html", [("/2024-05/01/c_101.htm", "Chip plant breaks ground", "2024-05-01")]);
        AddList("/news.html", [("/2024-05/03/c_201.htm", "Metro line opens", "2024-05-03")], next: "news_2.html");
        AddList("/news_2.html", [("/2024-04/20/c_202.htm", "River cleanup ends", "2024-04-20")]);
        AddList("/culture.html", [("/2024-05/02/c_301.htm", "Clay figurines on show", "2024-05-02")]);
        AddList("/videos.html", [("/2024-05/04/c_501.htm", "Video: a day on Taihu Lake", "2024-05-04"), ("/2024-05/05/c_502.htm", "Video: the new metro", "2024-05-05")]);
        // A column that no navigation lists: only the crumb of one culture article links to it.
        AddList("/mywuxistories.html", [("/2024-04/28/c_401.htm", "My Wuxi story: ten years here", "2024-04-28")]);
        AddArticle("/2024-05/01/c_101.htm", "Chip plant breaks ground", "Biz Updates", "/bizupdates.html", "<p>A chip plant broke ground in Xinwu.</p>");
        AddArticle("/2024-05/03/c_201.htm", "Metro line opens", "News", "/news.html", "<p>Line 4 opened on Friday.</p>");
        AddArticle("/2024-04/20/c_202.htm", "River cleanup ends", "News", "/news.html", "<p>The cleanup of the Liangxi River ended.</p>");
        AddArticle("/2024-05/02/c_301.htm", "Clay figurines on show", "My Wuxi Stories", "/mywuxistories.html", "<p>Huishan clay figurines are on show.</p>");
        AddArticle("/2024-04/28/c_401.htm", "My Wuxi story: ten years here", "My Wuxi Stories", "/mywuxistories.html", "<p>I came to Wuxi in 2014.</p>");
        // Video pages: a clip and a paragraph; a clip alone.
        AddArticle("/2024-05/04/c_501.htm", "Video: a day on Taihu Lake", "Videos", "/videos.html",
            "<video src=\"/video/taihu.mp4\" title=\"A day on Taihu Lake\" controls>Your browser cannot play this video.</video><p>A day on the lake, from dawn to dusk.</p>");
        AddArticle("/2024-05/05/c_502.htm", "Video: the new metro", "Videos", "/videos.html",
            "<video controls><source src=\"/video/metro.mp4\" type=\"video/mp4\"></video>");
        // A standing page, linked from the navigation and excluded from sections by the rules (so is /about.html, absent).
        _site.AddFile(Host, "/overview.html", Shell("Overview", "<div class=\"crumb\"><a href=\"/\">Home</a> &gt; About &gt; Overview</div><h1 class=\"art-title\">Overview</h1><div id=\"Content\"><p>Wuxi lies on Taihu Lake.</p></div>"));
        // /gone.html, also in the navigation, is not there.
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private static string Shell(string title, string main) => $"""
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>
        <div class="nav"><a href="/">Home</a> <a href="/news.html">News</a> <a href="/culture.html">Culture</a> <a href="/videos.html">Videos</a>
        <a href="/bizupdates.html">Biz Updates</a> <a href="/overview.html">Overview</a> <a href="/about.html">About</a> <a href="/ebooks.html">E-books</a>
        <a href="/gone.html">Events</a></div>
        {main}
        <div class="footer">Copyright © China Daily. All rights reserved.</div></body></html>
        """;

    private void AddList(string path, (string Href, string Title, string Date)[] items, string? next = null)
    {
        var list = new StringBuilder("<ul class=\"list-content\">");
        foreach (var (href, title, date) in items)
            list.Append($"<li><a href=\"{href}\">{title}</a><span>{date}</span></li>");
        list.Append("</ul>");
        if (next is not null) list.Append($"<div class=\"page\"><a href=\"{next}\">2</a></div>");
        _site.AddFile(Host, path, Shell("List", list.ToString()));
    }

    private void AddArticle(string path, string title, string section, string sectionHref, string body) =>
        _site.AddFile(Host, path, Shell(title, $"""
            <div class="crumb"><a href="/">Home</a> &gt; <a href="{sectionHref}">{section}</a></div>
            <h1 class="art-title">{title}</h1><div class="art-info">Updated: {path[1..8].Replace('/', '-')}-{path[9..11]}</div>
            <div id="Content">{body}</div>
            """));

    private Task<CliResult> CrawlAsync(params string[] more) =>
        CliRunner.RunAsync(["crawl", "--start", _site.Url("/bizupdates.html").AbsoluteUri, "--site", "en.wuxi.gov.cn", "--delay", "0", "--db", Db, "-f", "json", .. more]);

    private int Requests(string path) => _site.RequestsTo(path).Count;

    [Fact]
    public async Task Every_section_the_navigation_or_a_crumb_links_to_is_read_with_its_pages()
    {
        var crawl = await CrawlAsync();
        Assert.True(crawl.ExitCode == ExitCodes.Ok, crawl.Error);
        var summary = JsonNode.Parse(crawl.Out)!;
        Assert.Equal("ok", (string)summary["status"]!);
        Assert.Equal(7, (int)summary["new_pages"]!);
        Assert.Equal(0, (int)summary["errors"]!);
        // Both pages of News; the column only a crumb names; nothing of the standing pages, the e-books or the missing section.
        Assert.Equal(1, Requests("/news_2.html"));
        Assert.Equal(1, Requests("/mywuxistories.html"));
        Assert.Equal(0, Requests("/overview.html") + Requests("/about.html") + Requests("/ebooks.html"));
        Assert.Equal(1, Requests("/gone.html"));
        Assert.Contains(crawl.Error.Split('\n'), l => LogLine.Outcome(l) == "skipped" && l.Contains("/gone.html") && l.Contains("404"));
        // Each section list page was read once in the run, however many pages link to it.
        Assert.Equal(1, Requests("/culture.html"));

        var sections = JsonNode.Parse((await CliRunner.RunAsync("sections", "--db", Db, "-f", "json")).Out)!.AsArray()
            .ToDictionary(s => (string)s!["section"]!, s => s!.AsObject());
        Assert.Equal(["bizupdates", "culture", "gone", "mywuxistories", "news", "videos"], sections.Keys.Order());
        Assert.Equal(_site.Url("/news.html").AbsoluteUri, (string)sections["news"]["url"]!);
        Assert.Equal((2, 2, 2), ((int)sections["news"]["list_pages"]!, (int)sections["news"]["articles"]!, (int)sections["news"]["archived"]!));
        Assert.Equal("Metro line opens", (string)sections["news"]["newest"]!["title"]!);
        Assert.Equal("2024-05-03", (string)sections["news"]["newest"]!["published"]!);
        Assert.Equal("Video: the new metro", (string)sections["videos"]["newest"]!["title"]!);
        Assert.Equal(1, (int)sections["mywuxistories"]["articles"]!);
        Assert.All(sections.Where(s => s.Key != "gone"), s => Assert.Equal("read", (string)s.Value["state"]!));
        Assert.All(sections.Where(s => s.Key != "gone"), s => Assert.NotNull((string?)s.Value["last_read"]));
        Assert.Equal("missing", (string)sections["gone"]["state"]!);
        Assert.Contains("404", (string)sections["gone"]["note"]!);
        Assert.Null((string?)sections["gone"]["last_read"]);
        Assert.All(sections.Values, s => Assert.Equal("en.wuxi.gov.cn", (string)s["site"]!));

        var table = await CliRunner.RunAsync("sections", "--db", Db);
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Matches(@"gone .* never: .*404", table.Out);
        Assert.Matches(@"news\s+2\s+2\s+2\s+2024-05-03 Metro line opens", table.Out);
        Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("sections", "--db", Db, "--site", "wnd.gov.cn")).ExitCode);
        Assert.Equal("No sections of wnd.gov.cn yet.\n", (await CliRunner.RunAsync("sections", "--db", Db, "--site", "wnd.gov.cn")).Out);

        // List pages are no articles.
        var list = JsonNode.Parse((await CliRunner.RunAsync("list", "--db", Db, "-f", "json")).Out)!.AsArray();
        Assert.Equal(7, list.Count);
        Assert.DoesNotContain(list, a => ((string)a!["url"]!).EndsWith(".html", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_video_page_is_an_article_with_its_video_as_a_figure()
    {
        Assert.Equal(ExitCodes.Ok, (await CrawlAsync()).ExitCode);
        var clip = JsonNode.Parse((await CliRunner.RunAsync("show", _site.Url("/2024-05/04/c_501.htm").AbsoluteUri, "--db", Db)).Out)!;
        Assert.Equal("Video: a day on Taihu Lake", (string)clip["title"]!);
        Assert.Equal(["A day on the lake, from dawn to dusk."], clip["paragraphs"]!.AsArray().Select(p => (string)p!));
        var video = Assert.Single(clip["figures"]!.AsArray())!;
        Assert.Equal(("video", _site.Url("/video/taihu.mp4").AbsoluteUri, "A day on Taihu Lake", 0),
            ((string)video["media"]!, (string)video["src"]!, (string)video["alt"]!, (int)video["position"]!));
        // A video alone is an article too, not "no article text".
        var alone = JsonNode.Parse((await CliRunner.RunAsync("show", _site.Url("/2024-05/05/c_502.htm").AbsoluteUri, "--db", Db)).Out)!;
        Assert.Empty(alone["paragraphs"]!.AsArray());
        Assert.Equal(_site.Url("/video/metro.mp4").AbsoluteUri, (string)Assert.Single(alone["figures"]!.AsArray())!["src"]!);
        // An image is no "media": the field is left out. In the figures CSV, the media column says which.
        var csv = _temp.File("figures.csv");
        Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("export", "--figures", "--db", Db, "-o", csv)).ExitCode);
        var rows = File.ReadAllLines(csv);
        Assert.EndsWith(",media", rows[0]);
        Assert.Equal(2, rows.Count(r => r.EndsWith(",video", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_recrawl_reads_every_known_section_again_and_fetches_no_archived_article()
    {
        Assert.Equal(ExitCodes.Ok, (await CrawlAsync()).ExitCode);
        _site.ClearLog();
        var again = await CrawlAsync("--revisit", "none");
        Assert.True(again.ExitCode == ExitCodes.Ok, again.Error);
        Assert.Equal(0, (int)JsonNode.Parse(again.Out)!["new_pages"]!);
        // The column only an article's crumb names is read again, though that article is not fetched again.
        Assert.Equal(1, Requests("/mywuxistories.html"));
        Assert.Equal(0, Requests("/2024-05/02/c_301.htm"));
        Assert.DoesNotContain(_site.Requests, r => r.Path.EndsWith(".htm", StringComparison.Ordinal));
        // News offers nothing new on page 1: its page 2 is not read again.
        Assert.Equal(0, Requests("/news_2.html"));
    }

    [Fact]
    public async Task Sections_narrows_the_crawl_to_the_named_sections()
    {
        var crawl = await CrawlAsync("--sections", "news");
        Assert.True(crawl.ExitCode == ExitCodes.Ok, crawl.Error);
        Assert.Equal(2, (int)JsonNode.Parse(crawl.Out)!["new_pages"]!);
        Assert.Equal(0, Requests("/bizupdates.html") + Requests("/culture.html") + Requests("/videos.html") + Requests("/sitemap.xml"));
        var sections = JsonNode.Parse((await CliRunner.RunAsync("sections", "--db", Db, "-f", "json")).Out)!.AsArray();
        Assert.Equal("news", (string)Assert.Single(sections)!["section"]!);
    }
}
