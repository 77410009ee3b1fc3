using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Crawling;
using Scraper.Fetching;
using Scraper.Sites;
using Scraper.Tests.Support;

namespace Scraper.Tests.Crawling;

/// <summary>
/// Crawls of the samples served as both sites by a real Kestrel server on 127.0.0.1: the sites' real host names
/// are resolved to the loopback server (like curl --resolve), so the real site rules apply. Assertions are on
/// the archive afterwards and on the server's request log.
/// </summary>
public sealed class CrawlerTests : IAsyncLifetime
{
    private static readonly string[] Hosts = ["en.wuxi.gov.cn", "www.wuxinews.com.cn", "www.wndonline.cn", "bizwnd.gov.cn", "www.wnd.gov.cn", "elsewhere.test"];
    private static readonly Uri WuxiList = new("http://en.wuxi.gov.cn/bizupdates.html");
    private static readonly Uri WndList = new("http://www.wndonline.cn/news.html");
    private readonly TempFolder _temp = new();
    private LoopbackSite _site = null!;
    private HttpPageSource _http = null!;

    private string Db => _temp.File("archive.db");

    public async Task InitializeAsync()
    {
        _site = await LoopbackSite.StartAsync(RepoPaths.Samples);
        _http = new HttpPageSource(new HttpPageSourceOptions
        {
            HostOverrides = Hosts.ToDictionary(h => h, _ => _site.EndPoint),
            UseSystemProxy = false,
        });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _site.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private async Task<CrawlSummary> CrawlAsync(IReadOnlyList<Uri>? start = null, RevisitMode revisit = RevisitMode.Due, bool sitemaps = false,
        TimeSpan? attemptTimeout = null, int? maxPages = null, IReadOnlyList<SiteRule>? sites = null, TimeProvider? fetchClock = null)
    {
        var options = new FetchOptions
        {
            HostDelay = TimeSpan.Zero,
            AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(10),
            MaxBodyBytes = 2 * 1024 * 1024,
            Retry = new RetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50) },
        };
        await using var store = await ArchiveStore.OpenAsync(Db, ArchiveAccess.ReadWrite);
        var crawler = new Crawler(store, new Downloader(_http, options, fetchClock), new CrawlOptions
        {
            Sites = sites ?? SiteCatalog.Default.Rules,
            StartUrls = start ?? [WuxiList, WndList],
            Revisit = revisit,
            Sitemaps = sitemaps,
            MaxPages = maxPages,
        });
        var summary = await crawler.RunAsync(null, CancellationToken.None);
        Assert.Empty(await store.CheckIntegrityAsync());
        return summary;
    }

    private async Task<T> QueryAsync<T>(string sql, params (string, object)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        var result = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(result!, typeof(T));
    }

    private int Requests(string host, string path) => _site.Requests.Count(r => r.Host.StartsWith(host, StringComparison.OrdinalIgnoreCase) && r.Path == path);

    [Fact]
    public async Task A_first_crawl_archives_every_listed_article_and_joins_split_ones()
    {
        var summary = await CrawlAsync();
        Assert.Equal("ok", summary.Status);
        // en.wuxi.gov.cn lists 7 articles over 2 pages, www.wndonline.cn 6 (one of them split over 3 pages).
        Assert.Equal(13, summary.Counts.NewPages);
        Assert.Equal(13, await QueryAsync<long>("SELECT count(*) FROM revisions"));
        Assert.Equal(3, await QueryAsync<long>("SELECT r.pages FROM revisions r JOIN pages p ON p.id = r.page_id WHERE p.url = 'http://www.wndonline.cn/2023-06/15/c_905318.htm'"));
        Assert.Equal(2, await QueryAsync<long>("SELECT count(*) FROM pages WHERE continuation_of IS NOT NULL"));
        Assert.Equal(0, await QueryAsync<long>("SELECT count(*) FROM errors"));
        Assert.Equal("ok", await QueryAsync<string>("SELECT status FROM runs WHERE id = $id", ("$id", summary.RunId)));
        // robots.txt once per host; the identifiable User-Agent on every request.
        Assert.Equal(1, Requests("en.wuxi.gov.cn", "/robots.txt"));
        Assert.All(_site.Requests, r => Assert.StartsWith("scraper/", r.UserAgent));
    }

    [Fact]
    public async Task A_recrawl_fetches_no_archived_article_and_stops_paging_at_known_articles()
    {
        await CrawlAsync();
        _site.ClearLog();
        var second = await CrawlAsync();
        Assert.Equal("ok", second.Status);
        Assert.Equal(0, second.Counts.NewPages);
        Assert.Equal(1, Requests("en.wuxi.gov.cn", "/bizupdates.html"));
        Assert.Equal(0, Requests("en.wuxi.gov.cn", "/bizupdates_2.html"));
        Assert.DoesNotContain(_site.Requests, r => r.Path.EndsWith(".htm"));
        Assert.Equal(13, await QueryAsync<long>("SELECT count(*) FROM revisions"));
    }

    [Fact]
    public async Task Revisiting_all_pages_uses_conditional_gets_and_records_them_unchanged()
    {
        await CrawlAsync();
        _site.ClearLog();
        var again = await CrawlAsync(revisit: RevisitMode.All);
        Assert.Equal(13, again.Counts.Unchanged);
        Assert.Equal(0, again.Counts.NewRevisions);
        var articleRequests = _site.Requests.Where(r => r.Path.EndsWith(".htm") && !System.Text.RegularExpressions.Regex.IsMatch(r.Path, @"_\d\.htm$")).ToList();
        Assert.Equal(13, articleRequests.Count);
        Assert.All(articleRequests, r => Assert.NotNull(r.IfNoneMatch ?? r.IfModifiedSince));
        // Page 1 of each multi-page article said 304, and so did its continuation pages, each asked conditionally too.
        var continuationRequests = _site.Requests.Where(r => System.Text.RegularExpressions.Regex.IsMatch(r.Path, @"_\d\.htm$")).ToList();
        Assert.Equal(await QueryAsync<long>("SELECT count(*) FROM pages WHERE continuation_of IS NOT NULL"), continuationRequests.Count);
        Assert.All(continuationRequests, r => Assert.NotNull(r.IfNoneMatch ?? r.IfModifiedSince));
        // Every check is a capture: each page now has its first capture and a 304 that points at the same body and revision.
        Assert.Equal(26, await QueryAsync<long>("SELECT count(*) FROM captures WHERE page_id IN (SELECT id FROM pages WHERE continuation_of IS NULL AND kind = 'article')"));
        Assert.Equal(0, await QueryAsync<long>("""
            SELECT count(*) FROM captures c JOIN captures first ON first.page_id = c.page_id AND first.http_status = 200
            WHERE c.http_status = 304 AND (c.body_sha256 <> first.body_sha256 OR c.revision_id IS NOT first.revision_id)
            """));
        Assert.Equal(await QueryAsync<long>("SELECT count(*) FROM pages WHERE kind = 'article'"), await QueryAsync<long>("SELECT count(*) FROM captures WHERE http_status = 304"));
        Assert.Equal(13, await QueryAsync<long>("SELECT count(*) FROM revisions"));
    }

    [Fact]
    public async Task A_section_list_found_in_a_sitemap_is_read_as_a_list_not_archived_as_an_article()
    {
        // Biz Updates is not a start; en.wuxi.gov.cn's sitemap names its list among the site's pages (over http, which the
        // loopback server speaks; a start on the host makes the crawl read that host's sitemap over http too).
        _site.On("en.wuxi.gov.cn", "/sitemap.xml", LoopbackResponse.Content(Encoding.UTF8.GetBytes("""
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc>http://en.wuxi.gov.cn/overview.html</loc></url>
              <url><loc>http://en.wuxi.gov.cn/bizupdates.html</loc></url>
            </urlset>
            """), "application/xml"));
        await CrawlAsync(start: [WndList, new Uri("http://en.wuxi.gov.cn/overview.html")], sitemaps: true);
        // (overview.html, read as a list start, also offers its sidebar's links, one to an article the samples lack.)
        Assert.Equal("", await QueryAsync<string>("SELECT coalesce(group_concat(url || ': ' || message, '; '), '') FROM errors WHERE url LIKE '%bizupdates%'"));
        Assert.Equal(0, await QueryAsync<long>("SELECT count(*) FROM revisions r JOIN pages p ON p.id = r.page_id WHERE p.url LIKE '%/bizupdates%'"));
        // Its articles were discovered through it, both of its pages.
        var wuxiArticles = Directory.EnumerateFiles(Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn"), "bizupdates*.links.verified.json")
            .SelectMany(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("articles").EnumerateArray())
            .Select(a => a.GetProperty("url").GetString()).Distinct().Count();
        Assert.Equal(wuxiArticles, await QueryAsync<long>("SELECT count(*) FROM revisions r JOIN pages p ON p.id = r.page_id WHERE p.url LIKE 'http%://en.wuxi.gov.cn/20%'"));
        Assert.Equal(1, Requests("en.wuxi.gov.cn", "/bizupdates_2.html"));
    }

    [Fact]
    public async Task An_edit_on_page_2_of_a_multi_page_article_is_seen_when_page_1_is_unchanged()
    {
        await CrawlAsync();
        const string page2 = "/2023-06/15/c_905318_2.htm";
        var original = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "www.wndonline.cn", "2023-06", "15", "c_905318_2.htm"));
        var paragraph = System.Text.RegularExpressions.Regex.Match(original, "<p>([^<]{40,})</p>").Groups[1].Value;
        Assert.NotEmpty(paragraph);
        _site.On("www.wndonline.cn", page2, LoopbackResponse.Html(original.Replace(paragraph, paragraph + " (Corrected.)")));
        _site.ClearLog();

        var again = await CrawlAsync(revisit: RevisitMode.All);

        Assert.Equal(1, again.Counts.NewRevisions);
        Assert.Equal(1, again.Changed);
        var page1 = "http://www.wndonline.cn/2023-06/15/c_905318.htm";
        Assert.Equal(2, await QueryAsync<long>("SELECT count(*) FROM revisions r JOIN pages p ON p.id = r.page_id WHERE p.url = $url", ("$url", page1)));
        var text = await QueryAsync<string>("SELECT r.paragraphs FROM pages p JOIN revisions r ON r.id = p.latest_revision_id WHERE p.url = $url", ("$url", page1));
        Assert.Contains("(Corrected.)", text);
        // The joined revision is whole: page 1's paragraphs and page 3's are still in it.
        Assert.Equal(3, await QueryAsync<long>("SELECT r.pages FROM pages p JOIN revisions r ON r.id = p.latest_revision_id WHERE p.url = $url", ("$url", page1)));
    }

    [Fact]
    public async Task A_page_that_changes_between_crawls_gets_a_second_revision_and_a_sidebar_change_does_not()
    {
        const string changing = "/2023-02/06/c_856320.htm";
        const string sidebar = "/2023-02/03/c_855812.htm";
        await CrawlAsync([WuxiList]);
        var original = File.ReadAllText(Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-02", "06", "c_856320.htm"));
        _site.On("en.wuxi.gov.cn", changing, LoopbackResponse.Html(original.Replace("DANA", "Dana Incorporated")));
        var withSidebar = File.ReadAllText(Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-02", "03", "c_855812.htm"));
        _site.On("en.wuxi.gov.cn", sidebar, LoopbackResponse.Html(withSidebar.Replace("8.03K", "9.41K").Replace("Huishan clay figurines appear in Yuantouzhu", "A new video in the sidebar")));

        var second = await CrawlAsync([WuxiList], RevisitMode.All);
        Assert.Equal(1, second.Changed);
        Assert.Equal(2, await QueryAsync<long>("SELECT count(*) FROM revisions r JOIN pages p ON p.id = r.page_id WHERE p.url = $u", ("$u", "http://en.wuxi.gov.cn" + changing)));
        Assert.Equal(1, await QueryAsync<long>("SELECT count(*) FROM revisions r JOIN pages p ON p.id = r.page_id WHERE p.url = $u", ("$u", "http://en.wuxi.gov.cn" + sidebar)));
        Assert.Equal(2, await QueryAsync<long>("SELECT count(*) FROM captures c JOIN pages p ON p.id = c.page_id WHERE p.url = $u", ("$u", "http://en.wuxi.gov.cn" + sidebar)));
    }

    [Fact]
    public async Task A_page_whose_template_drifted_is_archived_by_its_text_anatomy_and_counted()
    {
        // The site renamed the body container: no body selector of the rules matches any more.
        const string drifted = "/2023-02/06/c_856320.htm";
        var original = File.ReadAllText(Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-02", "06", "c_856320.htm"));
        var renamed = original.Replace("<div class=\"art-content\" id=\"Content\">", "<div class=\"story-body\" id=\"story\">");
        Assert.NotEqual(original, renamed);
        _site.On("en.wuxi.gov.cn", drifted, LoopbackResponse.Html(renamed));

        var summary = await CrawlAsync([WuxiList]);
        Assert.Equal("ok", summary.Status);
        Assert.Equal(7, summary.Counts.NewPages);
        // The body comes from the page's text anatomy (between its header and its footer), and the miss is counted.
        Assert.Equal(0, summary.Counts.GenericFallbacks);
        Assert.Equal(1, summary.Counts.SelectorMisses);
        Assert.Equal(1, await QueryAsync<long>("SELECT selector_misses FROM runs WHERE id = $id", ("$id", summary.RunId)));
        const string revision = "SELECT r.{0} FROM revisions r JOIN pages p ON p.id = r.page_id WHERE p.url = $u";
        var url = ("$u", (object)("http://en.wuxi.gov.cn" + drifted));
        Assert.Equal("site:en.wuxi.gov.cn", await QueryAsync<string>(string.Format(revision, "extractor"), url));
        Assert.Equal("anatomy", JsonDocument.Parse(await QueryAsync<string>(string.Format(revision, "provenance"), url)).RootElement.GetProperty("body").GetString());
        // The rules' metadata still holds, and the anatomy finds the body the rules used to find.
        using var verified = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-02", "06", "c_856320.verified.json")));
        Assert.Equal(verified.RootElement.GetProperty("title").GetString(), await QueryAsync<string>(string.Format(revision, "title"), url));
        Assert.Equal(verified.RootElement.GetProperty("published").GetString(), await QueryAsync<string>(string.Format(revision, "published"), url));
        Assert.Equal(verified.RootElement.GetProperty("paragraphs").Deserialize<string[]>(),
            JsonSerializer.Deserialize<string[]>(await QueryAsync<string>(string.Format(revision, "paragraphs"), url)));

        // Served as the rules expect again, the page is the site's extraction once more, and nothing is counted.
        _site.On("en.wuxi.gov.cn", drifted, LoopbackResponse.Html(original));
        var again = await CrawlAsync([WuxiList], RevisitMode.All);
        Assert.Equal(0, again.Counts.GenericFallbacks);
        Assert.Equal(0, again.Counts.SelectorMisses);
    }

    [Fact]
    public async Task Transient_faults_are_retried_and_the_page_archived()
    {
        _site.On("en.wuxi.gov.cn", "/2023-02/06/c_856320.htm", LoopbackResponse.Status(500), LoopbackResponse.FromFolder);
        _site.On("en.wuxi.gov.cn", "/2023-02/03/c_855812.htm", LoopbackResponse.Reset(), LoopbackResponse.FromFolder);
        _site.On("en.wuxi.gov.cn", "/2023-02/01/c_855407.htm", LoopbackResponse.Status(429, "1"), LoopbackResponse.FromFolder);
        // The downloader runs on a fake clock the test moves to each wait it asks for (never to a request's timeout),
        // and the server stamps requests on it: the gaps are the waits the crawl chose, whatever the machine's load.
        var clock = new RecordingClock();
        _site.Clock = clock;
        var summary = await clock.DriveAsync(CrawlAsync([WuxiList], fetchClock: clock), ignore: due => due == TimeSpan.FromSeconds(10));
        Assert.Equal("ok", summary.Status);
        Assert.Equal(7, summary.Counts.NewPages);
        Assert.Equal(2, Requests("en.wuxi.gov.cn", "/2023-02/06/c_856320.htm"));
        Assert.Equal(2, Requests("en.wuxi.gov.cn", "/2023-02/03/c_855812.htm"));
        var throttled = _site.RequestsTo("/2023-02/01/c_855407.htm");
        Assert.Equal(2, throttled.Count);
        // Retry-After: 1 (the computed backoff is at most 50 ms); other pages' backoffs may add their few ms.
        Assert.InRange(throttled[1].At - throttled[0].At, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.2));
    }

    [Fact]
    public async Task Lasting_faults_are_recorded_per_url_and_the_crawl_goes_on()
    {
        _site.On("en.wuxi.gov.cn", "/2023-02/06/c_856320.htm", LoopbackResponse.Status(500));
        _site.On("en.wuxi.gov.cn", "/2023-02/03/c_855812.htm", LoopbackResponse.Slow(TimeSpan.FromSeconds(5)));
        _site.On("en.wuxi.gov.cn", "/2023-02/01/c_855407.htm", LoopbackResponse.Redirect("/2023-02/01/c_855407.htm"));
        _site.On("en.wuxi.gov.cn", "/2023-01/31/c_855102.htm", LoopbackResponse.Redirect("http://elsewhere.test/c_855102.htm"));
        _site.On("en.wuxi.gov.cn", "/2023-01/29/c_854633.htm", LoopbackResponse.Large(20L * 1024 * 1024));
        _site.On("en.wuxi.gov.cn", "/2023-01/20/c_853980.htm", LoopbackResponse.Content([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0, 0, 13, 1, 2, 3], "text/html"));
        var summary = await CrawlAsync([WuxiList], attemptTimeout: TimeSpan.FromSeconds(1));

        Assert.Equal("partial", summary.Status);
        Assert.Equal(1, summary.Counts.NewPages); // only c_941797 is served normally
        Assert.Equal(6, summary.Counts.Errors);
        async Task<string> KindOf(string path) =>
            await QueryAsync<string>("SELECT kind FROM errors WHERE url = $u AND run_id = $r", ("$u", "http://en.wuxi.gov.cn" + path), ("$r", summary.RunId));
        Assert.Equal("http", await KindOf("/2023-02/06/c_856320.htm"));
        Assert.Equal("timeout", await KindOf("/2023-02/03/c_855812.htm"));
        Assert.Equal("redirect", await KindOf("/2023-02/01/c_855407.htm"));
        Assert.Equal("redirect", await KindOf("/2023-01/31/c_855102.htm"));
        Assert.Equal("too-large", await KindOf("/2023-01/29/c_854633.htm"));
        Assert.Equal("extraction", await KindOf("/2023-01/20/c_853980.htm"));
        Assert.DoesNotContain(_site.Requests, r => r.Host.StartsWith("elsewhere.test"));
        Assert.Equal(6, await QueryAsync<long>("SELECT count(*) FROM frontier WHERE state = 'failed'"));
        Assert.Equal("partial", await QueryAsync<string>("SELECT status FROM runs WHERE id = $id", ("$id", summary.RunId)));
    }

    [Fact]
    public async Task Robots_txt_keeps_the_crawl_out_of_a_disallowed_section()
    {
        _site.Robots("User-agent: *\nDisallow: /2023-01/\n", "en.wuxi.gov.cn");
        var summary = await CrawlAsync([WuxiList]);
        Assert.Equal("ok", summary.Status);
        Assert.Equal(4, summary.Counts.NewPages);
        Assert.DoesNotContain(_site.Requests, r => r.Path.StartsWith("/2023-01/"));
        Assert.Equal(3, await QueryAsync<long>("SELECT count(*) FROM frontier WHERE state = 'skipped' AND url LIKE '%/2023-01/%'"));
    }

    [Fact]
    public async Task A_gbk_page_declared_in_its_header_decodes()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var html = File.ReadAllText(Path.Combine(RepoPaths.Samples, "www.wnd.gov.cn", "doc", "2024", "05", "20", "1234567.shtml"), Encoding.GetEncoding("GB18030"))
            .Replace("charset=gb2312", "charset=utf-8"); // a wrong meta tag: the header must win
        _site.On("www.wnd.gov.cn", "/doc/2024/05/20/1234567.shtml", LoopbackResponse.Content(Encoding.GetEncoding("GBK").GetBytes(html), "text/html; charset=GBK"));
        var summary = await CrawlAsync([new Uri("http://www.wnd.gov.cn/doc/2024/05/20/1234567.shtml")]);
        Assert.Equal(1, summary.Counts.NewPages);
        var title = await QueryAsync<string>("SELECT title FROM revisions");
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}{4}", title);
        Assert.DoesNotContain('\uFFFD', await QueryAsync<string>("SELECT paragraphs FROM revisions"));
    }

    [Fact]
    public async Task Sitemaps_lead_to_pages_no_list_links_to()
    {
        // The bundled sitemap names https URLs; this server speaks plain http, so it serves an http copy.
        var sitemap = File.ReadAllText(Path.Combine(RepoPaths.Samples, "bizwnd.gov.cn", "sitemap.xml")).Replace("https://", "http://");
        _site.On("bizwnd.gov.cn", "/sitemap.xml", LoopbackResponse.Content(Encoding.UTF8.GetBytes(sitemap), "application/xml"));
        // www.wndonline.cn's bundled sitemap names https URLs too; this test is about bizwnd.gov.cn's, so that host has none.
        _site.On("www.wndonline.cn", "/sitemap.xml", LoopbackResponse.Status(404));
        // Only the hosts this server answers for over http: any other host's https robots.txt would be unreachable, an error.
        var wnd = SiteCatalog.Default.Find("wnd.gov.cn")! with { Hosts = ["www.wndonline.cn", "bizwnd.gov.cn"] };
        var summary = await CrawlAsync([WndList, new Uri("http://bizwnd.gov.cn/news.html")], sitemaps: true, sites: [wnd]);
        Assert.Equal(1, Requests("bizwnd.gov.cn", "/sitemap.xml"));
        Assert.Equal(1, Requests("bizwnd.gov.cn", "/overview.html"));
        // Two articles, and the standing page overview.html kept as a capture only.
        Assert.Equal(2, await QueryAsync<long>("SELECT count(*) FROM pages WHERE url LIKE 'http://bizwnd.gov.cn/%' AND latest_revision_id IS NOT NULL"));
        Assert.Equal(1, await QueryAsync<long>("SELECT count(*) FROM pages p JOIN captures c ON c.page_id = p.id WHERE p.url = 'http://bizwnd.gov.cn/overview.html' AND p.latest_revision_id IS NULL"));
        // bizwnd.gov.cn has no news list: a 404 start list is an error; the sitemap still found its pages.
        Assert.Equal(1, summary.Counts.Errors);
    }

    [Fact]
    public async Task Max_pages_stops_early_and_the_next_crawl_resumes_the_pass()
    {
        var first = await CrawlAsync([WuxiList], maxPages: 3);
        Assert.Equal(3, first.Counts.NewPages);
        Assert.True(first.Pending > 0);
        _site.ClearLog();
        var second = await CrawlAsync([WuxiList]);
        Assert.True(second.Resumed);
        Assert.Equal(4, second.Counts.NewPages);
        Assert.Equal(0, Requests("en.wuxi.gov.cn", "/bizupdates.html")); // the resumed pass does not start over
        Assert.Equal(7, await QueryAsync<long>("SELECT count(*) FROM revisions"));
    }
}
