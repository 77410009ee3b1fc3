using System.Net;
using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Crawling;
using Scraper.Extraction;
using Scraper.Fetching;
using Scraper.Sites;
using Scraper.Tests.Support;

namespace Scraper.Tests.Crawling;

/// <summary>
/// Crawls that meet failure tell the truth and end: unreachable sites (refused, unknown host, robots.txt 5xx or too
/// slow) make a failed run with the host's error recorded; a page whose extraction throws or whose site rule's regular
/// expression backtracks without end is that page's error; a redirect to another origin is refused; and page 1 of a
/// multi-page article is stored with its continuation pages or not at all.
/// </summary>
public sealed class CrawlFailureTests : IAsyncLifetime
{
    private const string Host = "en.wuxi.gov.cn";
    private static readonly Uri List = new("http://en.wuxi.gov.cn/bizupdates.html");
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(90);
    private readonly TempFolder _temp = new();
    private LoopbackSite _site = null!;
    private HttpPageSource _http = null!;

    private string Db => _temp.File("archive.db");

    public async Task InitializeAsync()
    {
        _site = await LoopbackSite.StartAsync(RepoPaths.Samples);
        _http = new HttpPageSource(new HttpPageSourceOptions
        {
            HostOverrides = new Dictionary<string, IPEndPoint> { [Host] = _site.EndPoint, ["www.wndonline.cn"] = _site.EndPoint },
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

    private static FetchOptions Fast(TimeSpan? attemptTimeout = null) => new()
    {
        HostDelay = TimeSpan.Zero,
        AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(10),
        Retry = new RetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(20) },
    };

    private async Task<CrawlSummary> CrawlAsync(IPageSource source, IReadOnlyList<Uri> start, SiteRule? rule = null, PageReader? reader = null,
        FetchOptions? fetch = null, TimeSpan? extractionBudget = null)
    {
        rule ??= SiteCatalog.Default.Find("en.wuxi.gov.cn")! with { Hosts = start.Select(u => u.Host).Distinct().ToList() };
        await using var store = await ArchiveStore.OpenAsync(Db, ArchiveAccess.ReadWrite);
        var crawler = new Crawler(store, new Downloader(source, fetch ?? Fast()), new CrawlOptions
        {
            Sites = [rule],
            StartUrls = start,
            Sitemaps = false,
            ExtractionBudget = extractionBudget ?? TimeSpan.FromSeconds(30),
        }, reader: reader);
        // However a page misbehaves, the run ends.
        return await crawler.RunAsync(null, CancellationToken.None).WaitAsync(NoHang);
    }

    private List<(string Url, string Kind, string Message)> Errors(long run)
    {
        using var connection = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT url, kind, message FROM errors WHERE run_id = $run ORDER BY id";
        command.Parameters.AddWithValue("$run", run);
        using var reader = command.ExecuteReader();
        var errors = new List<(string, string, string)>();
        while (reader.Read()) errors.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return errors;
    }

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    private string RunStatus(long run) =>
        Scalar($"SELECT count(*) FROM runs WHERE id = {run} AND status = 'failed'") == 1 ? "failed"
        : Scalar($"SELECT count(*) FROM runs WHERE id = {run} AND status = 'partial'") == 1 ? "partial"
        : Scalar($"SELECT count(*) FROM runs WHERE id = {run} AND status = 'ok'") == 1 ? "ok" : "other";

    [Fact]
    public async Task A_refused_connection_fails_the_run_with_the_hosts_error()
    {
        var start = new Uri($"http://127.0.0.1:{FetchTestKitPorts.Closed()}/bizupdates.html");
        using var http = new HttpPageSource(new HttpPageSourceOptions { UseSystemProxy = false });
        var summary = await CrawlAsync(http, [start]);

        Assert.Equal("failed", summary.Status);
        Assert.Equal(0, summary.Counts.Fetched);
        var error = Assert.Single(Errors(summary.RunId));
        Assert.Equal(start.GetLeftPart(UriPartial.Authority) + "/robots.txt", error.Url);
        Assert.Equal("robots", error.Kind);
        Assert.Contains("robots.txt unreachable: connection failed", error.Message);
        Assert.Equal("failed", RunStatus(summary.RunId));
        // The start list was never tried: it is due again at the next crawl.
        Assert.Equal(1, Scalar("SELECT count(*) FROM frontier WHERE state = 'failed' AND url LIKE '%bizupdates.html'"));
    }

    [Fact]
    public async Task An_unknown_host_fails_the_run_with_the_hosts_error()
    {
        using var http = new HttpPageSource(new HttpPageSourceOptions { UseSystemProxy = false });
        var summary = await CrawlAsync(http, [new Uri("http://no-such-host.invalid/bizupdates.html")]);

        Assert.Equal("failed", summary.Status);
        var error = Assert.Single(Errors(summary.RunId));
        Assert.Equal("http://no-such-host.invalid/robots.txt", error.Url);
        Assert.Contains("robots.txt unreachable", error.Message);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(429)]
    public async Task A_robots_txt_answering_5xx_fails_the_run_with_the_hosts_error(int status)
    {
        _site.On(Host, "/robots.txt", LoopbackResponse.Status(status));
        var summary = await CrawlAsync(_http, [List]);

        Assert.Equal("failed", summary.Status);
        var error = Assert.Single(Errors(summary.RunId));
        Assert.Equal("http://en.wuxi.gov.cn/robots.txt", error.Url);
        Assert.Contains($"HTTP {status}", error.Message);
        // Nothing but robots.txt was asked of the host.
        Assert.All(_site.Requests, r => Assert.Equal("/robots.txt", r.Path));
    }

    [Fact]
    public async Task A_robots_txt_slower_than_the_timeout_fails_the_run_with_the_hosts_error()
    {
        _site.On(Host, "/robots.txt", LoopbackResponse.Slow(TimeSpan.FromSeconds(20)));
        var summary = await CrawlAsync(_http, [List], fetch: Fast(attemptTimeout: TimeSpan.FromMilliseconds(300)));

        Assert.Equal("failed", summary.Status);
        var error = Assert.Single(Errors(summary.RunId));
        Assert.Contains("robots.txt unreachable: timeout", error.Message);
    }

    [Fact]
    public async Task One_unreachable_host_among_reachable_ones_makes_the_run_partial()
    {
        var closed = new Uri($"http://127.0.0.1:{FetchTestKitPorts.Closed()}/news.html");
        var summary = await CrawlAsync(_http, [List, closed],
            rule: SiteCatalog.Default.Find("en.wuxi.gov.cn")! with { Hosts = [Host, "127.0.0.1"] });

        Assert.Equal("partial", summary.Status);
        Assert.Equal(7, summary.Counts.NewPages);
        Assert.Equal(closed.GetLeftPart(UriPartial.Authority) + "/robots.txt", Assert.Single(Errors(summary.RunId)).Url);
    }

    /// <summary>An extractor with a bug: it throws on one page.</summary>
    private sealed class ThrowingReader(string failingPath) : PageReader(new ArticleExtractor(SiteCatalog.Default))
    {
        protected override PageExtraction Extract(Uri url, ReadOnlyMemory<byte> body, string? contentType, SiteRule? rule) =>
            url.AbsolutePath == failingPath
                ? throw new InvalidOperationException("extractor bug: Sequence contains no elements")
                : base.Extract(url, body, contentType, rule);
    }

    [Fact]
    public async Task An_extractor_that_throws_is_that_pages_error_and_the_crawl_goes_on()
    {
        const string failing = "/2023-02/06/c_856320.htm";
        var summary = await CrawlAsync(_http, [List], reader: new ThrowingReader(failing));

        Assert.Equal("partial", summary.Status);
        Assert.Equal(6, summary.Counts.NewPages);
        var error = Assert.Single(Errors(summary.RunId));
        Assert.Equal("http://en.wuxi.gov.cn" + failing, error.Url);
        Assert.Equal("internal", error.Kind);
        Assert.Contains("InvalidOperationException: extractor bug", error.Message);
        Assert.Equal(0, Scalar("SELECT count(*) FROM frontier WHERE state IN ('pending', 'fetching')"));
    }

    [Fact]
    public async Task A_catastrophic_site_rule_regex_is_an_error_and_the_run_ends()
    {
        // Nested quantifiers with a backreference (which defeats the regex engine's shortcuts): each article path makes it
        // backtrack past its 1 s timeout.
        var rule = SiteCatalog.Default.Find("en.wuxi.gov.cn")! with
        {
            Hosts = [Host],
            ContinuationUrl = @"^(([\w/.-])+)+(?<page>\d)\2\2\2$",
        };
        var summary = await CrawlAsync(_http, [List], rule: rule);

        Assert.NotEqual("ok", summary.Status);
        var errors = Errors(summary.RunId);
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Contains("RegexMatchTimeoutException", e.Message));
        Assert.Equal(0, Scalar("SELECT count(*) FROM frontier WHERE state IN ('pending', 'fetching')"));
    }

    /// <summary>An extraction that runs away (a parser worst case): it never ends while the crawl runs, so only the
    /// budget can end the crawl. Disposing the reader lets the abandoned thread go.</summary>
    private sealed class StallingReader(string stallingPath) : PageReader(new ArticleExtractor(SiteCatalog.Default)), IDisposable
    {
        private readonly ManualResetEventSlim _released = new();

        protected override PageExtraction Extract(Uri url, ReadOnlyMemory<byte> body, string? contentType, SiteRule? rule)
        {
            if (url.AbsolutePath == stallingPath) _released.Wait();
            return base.Extract(url, body, contentType, rule);
        }

        public void Dispose() => _released.Set();
    }

    [Fact]
    public async Task An_extraction_past_its_time_budget_is_an_error()
    {
        const string stalling = "/2023-02/03/c_855812.htm";
        using var reader = new StallingReader(stalling) { Budget = TimeSpan.FromSeconds(1) };
        // The stalled page's extraction never ends: a crawl that waited for it would not end either (CrawlAsync fails it).
        var summary = await CrawlAsync(_http, [List], reader: reader);

        Assert.Equal("partial", summary.Status);
        Assert.Equal(6, summary.Counts.NewPages);
        var error = Assert.Single(Errors(summary.RunId));
        Assert.EndsWith(stalling, error.Url);
        Assert.Equal("extraction", error.Kind);
        Assert.Contains("extraction took longer than 1 s", error.Message);
    }

    [Fact]
    public async Task A_redirect_to_another_port_of_the_same_host_is_refused_and_recorded()
    {
        await using var other = await LoopbackSite.StartAsync(RepoPaths.Samples, Host);
        await using var site = await LoopbackSite.StartAsync(RepoPaths.Samples, Host);
        const string moved = "/2023-02/06/c_856320.htm";
        site.On(moved, LoopbackResponse.Redirect(other.Url(moved).AbsoluteUri, 301));
        using var http = new HttpPageSource(new HttpPageSourceOptions { UseSystemProxy = false });
        var summary = await CrawlAsync(http, [site.Url("/bizupdates.html")]);

        Assert.Equal("partial", summary.Status);
        var error = Assert.Single(Errors(summary.RunId));
        Assert.Equal(site.Url(moved).AbsoluteUri, error.Url);
        Assert.Equal("redirect", error.Kind);
        Assert.Contains($"127.0.0.1:{other.Port}", error.Message);
        // The other port's server was never asked anything: neither its robots.txt nor the page.
        Assert.Empty(other.Requests);
        Assert.Equal(0, Scalar($"SELECT count(*) FROM pages WHERE url LIKE '%{moved}' AND latest_revision_id IS NOT NULL"));
    }

    [Fact]
    public async Task Page_1_and_its_continuation_pages_are_stored_together_or_not_at_all()
    {
        const string page1 = "http://www.wndonline.cn/2023-06/15/c_905318.htm";
        var wnd = SiteCatalog.Default.Find("wnd.gov.cn")! with { Hosts = ["www.wndonline.cn"] };
        var start = new Uri("http://www.wndonline.cn/news.html");
        // Stands for a kill between the continuation pages and page 1: page 1's transaction cannot commit.
        await using (var store = await ArchiveStore.OpenAsync(Db, ArchiveAccess.ReadWrite)) { }
        using (var connection = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            connection.Open();
            using var trigger = connection.CreateCommand();
            trigger.CommandText = $"""
                CREATE TRIGGER kill_before_page_1 BEFORE UPDATE OF state ON frontier
                WHEN NEW.url = '{page1}' AND NEW.state = 'done' BEGIN SELECT RAISE(ABORT, 'killed'); END;
                """;
            trigger.ExecuteNonQuery();
        }
        await Assert.ThrowsAsync<ArchiveException>(() => CrawlAsync(_http, [start], rule: wnd));
        // Neither page 1 nor its continuation pages were stored.
        Assert.Equal(0, Scalar("SELECT count(*) FROM captures c JOIN pages p ON p.id = c.page_id WHERE p.url LIKE '%/2023-06/15/c_905318%'"));

        using (var connection = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TRIGGER kill_before_page_1";
            drop.ExecuteNonQuery();
        }
        var before = _site.Requests.Count(r => r.Path.StartsWith("/2023-06/15/c_905318_"));
        var resumed = await CrawlAsync(_http, [start], rule: wnd);
        Assert.True(resumed.Resumed);
        // The resume fetched the siblings again (nothing of them was kept) and captured each once.
        Assert.Equal(2, _site.Requests.Count(r => r.Path.StartsWith("/2023-06/15/c_905318_")) - before);
        Assert.Equal(3, Scalar("SELECT count(*) FROM captures c JOIN pages p ON p.id = c.page_id WHERE p.url LIKE '%/2023-06/15/c_905318%'"));
        Assert.Equal(3, Scalar($"SELECT r.pages FROM pages p JOIN revisions r ON r.id = p.latest_revision_id WHERE p.url = '{page1}'"));
    }
}

/// <summary>A loopback port nothing listens on.</summary>
internal static class FetchTestKitPorts
{
    public static int Closed() => Fetching.FetchTestKit.ClosedPort();
}
