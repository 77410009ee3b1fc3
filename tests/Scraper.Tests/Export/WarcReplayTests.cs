using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Cli;
using Scraper.Crawling;
using Scraper.Export;
using Scraper.Fetching;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;

namespace Scraper.Tests.Export;

/// <summary>
/// What a replay tool needs from the WARC export: the request each fetch sent, a metadata record per capture, the
/// captures of pages that are no articles (section lists, robots.txt), the archived images, and a CDXJ index. Made by a
/// real crawl of a loopback server, and by captures stored directly (as a crawl that keeps list pages and robots.txt
/// stores them).
/// </summary>
public sealed class WarcReplayTests : IAsyncLifetime
{
    private const string ArticlePath = "/2023-11/23/c_941797.htm";
    private const string Image1 = "/2023-11/23/1700730809095086766.png";
    private const string Image2 = "/2023-11/23/1700730833093016066.png";
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8];
    private readonly TempFolder _folder = new();
    private LoopbackSite _site = null!;

    private string Db => _folder.File("archive.db");

    public async Task InitializeAsync() => _site = await LoopbackSite.StartAsync(RepoPaths.Samples, "en.wuxi.gov.cn");

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private static List<WarcTestRecord> Captures(IEnumerable<WarcTestRecord> records) =>
        records.Where(r => r.Type is "response" or "revisit" or "resource").ToList();

    private async Task<(string Path, List<WarcTestRecord> Records)> ExportAsync(params string[] args)
    {
        var path = _folder.File("archive.warc.gz");
        var result = await CliRunner.RunAsync(["export", "--format", "warc", "--db", Db, "--out", path, .. args]);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        return (path, WarcTestReader.Read(await File.ReadAllBytesAsync(path)));
    }

    /// <summary>The seed article crawled over HTTP with its two images (the same bytes at two addresses), then checked again (304).</summary>
    private async Task CrawlAsync()
    {
        _site.On(Image1, LoopbackResponse.Content(Png, "image/png"));
        _site.On(Image2, LoopbackResponse.Content(Png, "image/png"));
        // The article's navigation links its section, whose list would lead to the other sample articles: this server has
        // none (a missing section is skipped), so the crawl is the seed article alone.
        _site.On("/bizupdates.html", LoopbackResponse.Status(404));
        string[] crawl = ["crawl", "--start", _site.Url(ArticlePath).AbsoluteUri, "--site", "en.wuxi.gov.cn", "--delay", "0", "--db", Db, "--quiet"];
        var first = await CliRunner.RunAsync([.. crawl, "--images"]);
        Assert.True(first.ExitCode == ExitCodes.Ok, first.Error);
        var again = await CliRunner.RunAsync([.. crawl, "--revisit", "all"]);
        Assert.True(again.ExitCode == ExitCodes.Ok, again.Error);
    }

    /// <summary>A request record's header lines as a dictionary, and its request line.</summary>
    private static (string Line, Dictionary<string, string> Headers) ParseRequest(byte[] block)
    {
        var text = Encoding.UTF8.GetString(block);
        Assert.EndsWith("\r\n\r\n", text);
        var lines = text[..^4].Split("\r\n");
        return (lines[0], lines[1..].Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Every_fetch_has_its_request_as_sent_and_every_capture_its_metadata()
    {
        await CrawlAsync();
        var (path, records) = await ExportAsync("--all-revisions", "--cdx");
        var article = _site.Url(ArticlePath).AbsoluteUri;
        var sent = _site.RequestsTo(ArticlePath);
        Assert.Equal(2, sent.Count);

        // The article: fetched (200), then checked with a conditional GET (304); each record followed by its request and metadata.
        var pageRecords = records.Where(r => r["WARC-Target-URI"] == article).ToList();
        Assert.Equal(["response", "request", "metadata", "revisit", "request", "metadata"], pageRecords.Select(r => r.Type));
        for (var i = 0; i < 2; i++)
        {
            var (capture, request, metadata) = (pageRecords[3 * i], pageRecords[3 * i + 1], pageRecords[3 * i + 2]);
            Assert.Equal(capture["WARC-Record-ID"], request["WARC-Concurrent-To"]);
            Assert.Equal(capture["WARC-Date"], request["WARC-Date"]);
            Assert.Equal("application/http;msgtype=request", request["Content-Type"]);
            Assert.Equal(WarcTestReader.Sha1Base32(request.Block), request["WARC-Block-Digest"]);
            Assert.Null(request["WARC-Payload-Digest"]);
            Assert.Equal(capture["WARC-Record-ID"], metadata["WARC-Refers-To"]);

            // Exactly the request the server received: request line and every header, value for value.
            var (line, headers) = ParseRequest(request.Block);
            Assert.Equal($"GET {ArticlePath} HTTP/1.1", line);
            Assert.Equal(sent[i].Headers.Keys.Order(StringComparer.OrdinalIgnoreCase), headers.Keys.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in sent[i].Headers)
                Assert.Equal(value, headers[name]);
            Assert.Equal(FetchOptions.DefaultUserAgent, headers["User-Agent"]);
            Assert.Equal($"127.0.0.1:{_site.Port}", headers["Host"]);
        }
        // The check was conditional: the validators of the first answer went with it.
        var (_, recheck) = ParseRequest(pageRecords[4].Block);
        Assert.Equal(pageRecords[0].SplitHttp().Head.Split("\r\n").Single(l => l.StartsWith("ETag: ", StringComparison.Ordinal))[6..], recheck["If-None-Match"]);
        Assert.StartsWith("HTTP/1.1 304 Not Modified\r\n", pageRecords[3].SplitHttp().Head);

        // The images: the first address holds the bytes, the second (same bytes) is a revisit of it; each with its request.
        var imageRecords = records.Where(r => r["WARC-Target-URI"] is { } uri && uri.EndsWith(".png", StringComparison.Ordinal)).ToList();
        // (The two were fetched at once: either may come first.)
        Assert.Equal(["response", "request", "revisit", "request"], imageRecords.Select(r => r.Type));
        var (imageHead, imageBytes) = imageRecords[0].SplitHttp();
        Assert.Equal(Png, imageBytes);
        Assert.Equal(["HTTP/1.1 200 OK", "Content-Type: image/png", $"Content-Length: {Png.Length}"], imageHead.Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(imageRecords[0]["WARC-Record-ID"], imageRecords[2]["WARC-Refers-To"]);
        Assert.Equal(imageRecords[0]["WARC-Payload-Digest"], imageRecords[2]["WARC-Payload-Digest"]);
        Assert.Equal([_site.Url(Image1).AbsoluteUri, _site.Url(Image2).AbsoluteUri], new[] { imageRecords[0], imageRecords[2] }.Select(r => r["WARC-Target-URI"]!).Order());
        foreach (var (image, request) in new[] { (imageRecords[0], imageRecords[1]), (imageRecords[2], imageRecords[3]) })
        {
            Assert.Equal($"GET {new Uri(image["WARC-Target-URI"]!).AbsolutePath} HTTP/1.1", ParseRequest(request.Block).Line);
            Assert.StartsWith("image/", ParseRequest(request.Block).Headers["Accept"]);
            Assert.Equal(image["WARC-Record-ID"], request["WARC-Concurrent-To"]);
        }

        // The index beside the file: one line per capture and image record, sorted, at each record's offset and length.
        var index = await File.ReadAllLinesAsync(Path.Combine(_folder.Path, "archive.cdxj"));
        Assert.Equal(index.Order(StringComparer.Ordinal), index);
        var indexed = Captures(records);
        Assert.Equal(indexed.Count, index.Length);
        foreach (var line in index)
        {
            var parts = line.Split(' ', 3);
            var json = JsonNode.Parse(parts[2])!;
            var record = indexed.Single(r => r.Offset == long.Parse((string)json["offset"]!));
            Assert.Equal(record.Length, long.Parse((string)json["length"]!));
            Assert.Equal(record["WARC-Target-URI"], (string?)json["url"]);
            Assert.Equal(CdxjIndex.Surt(record["WARC-Target-URI"]!), parts[0]);
            Assert.Equal(record["WARC-Date"]![..19].Replace("-", "").Replace(":", "").Replace("T", ""), parts[1]);
            Assert.Equal("archive.warc.gz", (string?)json["filename"]);
        }
        Assert.Contains(index, l => l.StartsWith($"1,0,0,127:{_site.Port})/2023-11/23/c_941797.htm ", StringComparison.Ordinal) && l.Contains("\"mime\":\"text/html\",\"status\":\"200\""));
        Assert.Contains(index, l => l.Contains("\"mime\":\"warc/revisit\",\"status\":\"304\""));
        Assert.Contains(index, l => l.Contains("\"mime\":\"image/png\",\"status\":\"200\""));
        Assert.True(File.Exists(path));
    }

    [RequiresFileFact("warcio", failInCi: true, install: "run .ci/run, or (cd .ci && npm install warcio@2)")]
    public async Task Warcio_reads_every_record_and_indexes_the_file_as_the_cdxj_beside_it_does()
    {
        var warcio = MachineFiles.Require("warcio");
        await CrawlAsync();
        await StoreOtherCapturesAsync();
        var (path, records) = await ExportAsync("--all-revisions", "--cdx");

        // warcio's own CDXJ of the file (in file order) is ours (sorted), line for line, byte for byte.
        var cdx = await CliRunner.RunProgramAsync(warcio, ["cdx-index", path], TimeSpan.FromSeconds(120));
        Assert.True(cdx.ExitCode == 0, cdx.Error);
        var theirs = cdx.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Captures(records).Count, theirs.Length);
        Assert.Contains(theirs, l => l.Contains("\"mime\":\"warc/revisit\",\"status\":\"304\""));
        Assert.Contains(theirs, l => l.Contains("\"url\":\"https://en.wuxi.gov.cn/robots.txt\""));
        Assert.Equal(theirs.Order(StringComparer.Ordinal), await File.ReadAllLinesAsync(Path.Combine(_folder.Path, "archive.cdxj")));

        // The check reads every record, requests and metadata included, and recomputes each digest and length.
        var cli = new FileInfo(warcio).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? warcio;
        var check = await CliRunner.RunProgramAsync("node",
            [Path.Combine(RepoPaths.Root, "tests", "Scraper.Tests", "Export", "warc-check.mjs"), Path.Combine(Path.GetDirectoryName(cli)!, "index.js"), path],
            TimeSpan.FromSeconds(120));
        Assert.True(check.ExitCode == 0, check.Out + check.Error);
        Assert.Equal(records.Select(r => $"ok {r.Type} {r["WARC-Target-URI"] ?? "-"}"), check.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("ok request ", check.Out);
        Assert.Contains("ok metadata ", check.Out);
    }

    private const string WuxiList = "https://en.wuxi.gov.cn/bizupdates.html";
    private const string WuxiRobots = "https://en.wuxi.gov.cn/robots.txt";
    private const string WndRobots = "https://www.wndonline.cn/robots.txt";
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 9, 8, 7, 6, 5];

    private static byte[] ListHtml(string extra = "") => Encoding.UTF8.GetBytes(
        "<html><head><base href=\"https://en.wuxi.gov.cn/\"></head><body><ul>"
        + "<li><a href=\"2023-11/23/c_941797.htm\">WND to strengthen business collaboration</a></li>"
        + "<li><a href='/2023-01/20/c_853980.htm#top'>Wuxi's GDP</a></li><li><a href=mailto:news@wuxi.gov.cn>mail</a></li>"
        + "<li><A HREF=\"2023-11/23/c_941797.htm\">again</A></li>" + extra + "</ul><img src=\"/static/logo.png\"></body></html>");

    private static PageCapture Other(string url, DateTimeOffset at, byte[] body, string contentType) =>
        new(new Uri(url), at, body, CaptureOrigin.Fetch)
        {
            HttpStatus = 200, ContentType = contentType, ETag = $"\"{at.ToUnixTimeSeconds()}\"",
            RequestHead = $"GET {new Uri(url).PathAndQuery} HTTP/1.1\r\nHost: {new Uri(url).Host}\r\nUser-Agent: test\r\n\r\n",
        };

    /// <summary>
    /// As a crawl that keeps list pages and robots.txt stores them: a capture with no article each, the list page queued as
    /// a list. The list page changes at T0 + 1h; an article with two figures, one image fetched (with its request), one
    /// stored by an older build (no fetch recorded).
    /// </summary>
    private async Task StoreOtherCapturesAsync()
    {
        await using var store = await OpenAsync(Db);
        var run = await store.Frontier.BeginCrawlAsync();
        await store.Frontier.QueueAsync([new FrontierEntry(WuxiList, FrontierKind.List, "en.wuxi.gov.cn", null)], run.Pass, QueueMode.Again, run.RunId);
        var article = WuxiArticle("https://en.wuxi.gov.cn/2024-03/15/c_1000001.htm");
        await store.Captures.StorePageAsync(Capture(article, T0), article);
        await store.Captures.StorePageAsync(Other(WuxiList, T0.AddMinutes(1), ListHtml(), "text/html; charset=utf-8"), null);
        await store.Captures.StorePageAsync(Other(WuxiRobots, T0, "User-agent: *\nDisallow: /private/\n"u8.ToArray(), "text/plain"), null);
        await store.Captures.StorePageAsync(Other(WndRobots, T0, "User-agent: *\nAllow: /\n"u8.ToArray(), "text/plain"), null);
        await store.Captures.StorePageAsync(Other(WuxiList, T0.AddMinutes(30), ListHtml(), "text/html; charset=utf-8"), null);
        await store.Captures.StorePageAsync(Other(WuxiList, T0.AddHours(1), ListHtml("<li><a href=\"/2024-03/15/c_1000001.htm\">new</a></li>"), "text/html; charset=utf-8"), null);
        await store.Images.StoreImageAsync(article.Figures[0].Src, Jpeg, "image/jpeg", CancellationToken.None,
            new ImageFetch(T0.AddMinutes(2), 200, "GET /images/x.jpg HTTP/1.1\r\nHost: en.wuxi.gov.cn\r\n\r\n"));
        await store.Images.StoreImageAsync(article.Figures[1].Src, [1, 2, 3], "image/png");
        await store.Frontier.EndRunAsync(run.RunId, "ok");
    }

    [Fact]
    public async Task List_pages_robots_txt_and_images_are_exported_with_the_articles()
    {
        await StoreOtherCapturesAsync();
        var article = WuxiArticle("https://en.wuxi.gov.cn/2024-03/15/c_1000001.htm");

        var (_, records) = await ExportAsync();
        // Article pages first, then every other page (newest capture of each), then the images.
        Assert.Equal([article.Url, WuxiList, WuxiRobots, WndRobots, new Uri(article.Figures[1].Src).AbsoluteUri, new Uri(article.Figures[0].Src).AbsoluteUri],
            Captures(records).Select(r => r["WARC-Target-URI"]));
        var list = Captures(records)[1];
        Assert.Equal("2024-03-15T10:00:00.000Z", list["WARC-Date"]);
        Assert.Contains("/2024-03/15/c_1000001.htm", Encoding.UTF8.GetString(list.SplitHttp().Payload));
        var robots = Captures(records)[2];
        Assert.Equal("User-agent: *\nDisallow: /private/\n", Encoding.UTF8.GetString(robots.SplitHttp().Payload));
        Assert.Contains("Content-Type: text/plain\r\n", robots.SplitHttp().Head);

        // The list page's metadata: what it was crawled as, no article, and its links resolved against its <base>.
        var listMetadata = Encoding.UTF8.GetString(records.Single(r => r.Type == "metadata" && r["WARC-Refers-To"] == list["WARC-Record-ID"]).Block);
        Assert.Equal(
        [
            "crawled-as: list", "body-sha256: " + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(list.SplitHttp().Payload)),
            "outlink: https://en.wuxi.gov.cn/2023-11/23/c_941797.htm L a/@href",
            "outlink: https://en.wuxi.gov.cn/2023-01/20/c_853980.htm L a/@href",
            "outlink: https://en.wuxi.gov.cn/2024-03/15/c_1000001.htm L a/@href",
            "outlink: https://en.wuxi.gov.cn/static/logo.png E img/@src",
        ], listMetadata.Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(records, r => r.Type == "request" && r["WARC-Concurrent-To"] == list["WARC-Record-ID"]);

        // The image whose fetch was recorded: a response with its request; the one stored before: a resource of its bytes,
        // dated when the revision showing it was first captured.
        var (fetched, older) = (Captures(records)[5], Captures(records)[4]);
        Assert.Equal(("response", "2024-03-15T09:02:00.000Z"), (fetched.Type, fetched["WARC-Date"]));
        Assert.Equal(Jpeg, fetched.SplitHttp().Payload);
        Assert.Equal(("resource", "image/png", "2024-03-15T09:00:00.000Z"), (older.Type, older["Content-Type"], older["WARC-Date"]));
        Assert.Equal([1, 2, 3], older.Block);
        var imageRequest = records[records.IndexOf(fetched) + 1];
        Assert.Equal(("request", fetched["WARC-Record-ID"], "http://en.wuxi.gov.cn/images/x.jpg"),
            (imageRequest.Type, imageRequest["WARC-Concurrent-To"], imageRequest["WARC-Target-URI"]));

        // Every capture with --all-revisions: the list page's unchanged re-fetch is a revisit of its first body.
        var (_, all) = await ExportAsync("--all-revisions");
        var listCaptures = Captures(all).Where(r => r["WARC-Target-URI"] == WuxiList).ToList();
        Assert.Equal(["response", "revisit", "response"], listCaptures.Select(r => r.Type));
        Assert.Equal(listCaptures[0]["WARC-Record-ID"], listCaptures[1]["WARC-Refers-To"]);

        // A site: its hosts' other pages (robots.txt belongs to no site's rules, so by host).
        var (_, wnd) = await ExportAsync("--site", "wnd.gov.cn");
        Assert.Equal([WndRobots], Captures(wnd).Select(r => r["WARC-Target-URI"]));
        // Published dates select articles: pages without one are left out, the articles' images kept.
        var (_, dated) = await ExportAsync("--since", "2020-01-01");
        Assert.Equal([article.Url, new Uri(article.Figures[1].Src).AbsoluteUri, new Uri(article.Figures[0].Src).AbsoluteUri], Captures(dated).Select(r => r["WARC-Target-URI"]));
        // Changed since: the list page's newest body is from T0 + 1h; robots.txt has not changed since T0.
        var (_, changed) = await ExportAsync("--changed-since", T0.AddMinutes(45).ToString("O"));
        Assert.Equal([WuxiList], Captures(changed).Select(r => r["WARC-Target-URI"]));
    }

    [Theory]
    [InlineData(new[] { "--cdx" }, "--cdx applies to --format warc only")]
    [InlineData(new[] { "--format", "warc", "--cdx" }, "--cdx writes an index of the file beside it: give --out FILE")]
    public async Task Cdx_needs_a_warc_file(string[] args, string message)
    {
        await StoreOtherCapturesAsync();
        var result = await CliRunner.RunAsync(["export", "--db", Db, .. args]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal($"scraper: {message}\n", result.Error);
    }

    [Fact]
    public void Surt_keys_are_those_warcio_computes()
    {
        // Expected values computed with warcio.js 2.4's own SURT function (dist/cli.js) for the same URLs.
        (string Url, string Key)[] cases =
        [
            ("http://en.wuxi.gov.cn/2023-11/23/c_941797.htm", "cn,gov,wuxi,en)/2023-11/23/c_941797.htm"),
            ("https://www.wndonline.cn/2019-06/04/c_346512.htm", "cn,wndonline)/2019-06/04/c_346512.htm"),
            ("http://www2.example.org:8080/a/b?z=1&a=2", "org,example:8080)/a/b?a=2&z=1"),
            ("http://127.0.0.1:41234/robots.txt", "1,0,0,127:41234)/robots.txt"),
            ("http://en.wuxi.gov.cn/images/微信图片_20240315092407.jpg", "cn,gov,wuxi,en)/images/%E5%BE%AE%E4%BF%A1%E5%9B%BE%E7%89%87_20240315092407.jpg"),
            ("http://en.wuxi.gov.cn/images/640 (3).jpg", "cn,gov,wuxi,en)/images/640%20(3).jpg"),
            ("http://en.wuxi.gov.cn/images/%E5%BE%AE.jpg", "cn,gov,wuxi,en)/images/%e5%be%ae.jpg"),
            ("http://example.org/a[1]|b^c'd\"e<f>g`h{i}j~k%7E", "org,example)/a[1]|b^c'd%22e%3Cf%3Eg%60h%7Bi%7Dj~k%7e"),
            ("http://example.org/?", "org,example)/"),
            ("http://example.org", "org,example)/"),
            ("https://example.org:443/x?b=2&a=1&c", "org,example)/x?a=1&b=2&c"),
            ("http://example.org/a%2fb/%41", "org,example)/a%2fb/%41"),
        ];
        foreach (var (url, key) in cases)
            Assert.Equal(key, CdxjIndex.Surt(url));
    }

    [Fact]
    public void Outlinks_are_read_from_the_tags_resolved_and_each_listed_once()
    {
        var html = """
            <html><head><link rel=stylesheet href="/css/a.css"><script src='js/app.js'></script></head>
            <body><a href="b.htm?x=1&amp;y=2#frag">b</a> <a href="javascript:void(0)">no</a> <area href="https://other.example/">
            <iframe src="//video.example/embed/1"></iframe><a href="b.htm?x=1&amp;y=2">same</a><a href="#top">top</a>
            <img data-src="lazy.jpg" src="img/1.jpg" alt="a > b"><!-- <a href="commented.htm"> -->
            <script>document.write('<a href="written.htm">');</script><style>a[href="styled.htm"] { color: red }</style>
            <a title='x' HREF = last.htm>last</a></body></html>
            """u8;
        var links = OutlinkReader.Read(html, "text/html; charset=utf-8", new Uri("https://en.wuxi.gov.cn/2024-03/15/c_1.htm"));
        Assert.Equal(
        [
            new Outlink("https://en.wuxi.gov.cn/css/a.css", 'E', "link/@href"),
            new Outlink("https://en.wuxi.gov.cn/2024-03/15/js/app.js", 'E', "script/@src"),
            new Outlink("https://en.wuxi.gov.cn/2024-03/15/b.htm?x=1&y=2", 'L', "a/@href"),
            new Outlink("https://other.example/", 'L', "area/@href"),
            new Outlink("https://video.example/embed/1", 'E', "iframe/@src"),
            new Outlink("https://en.wuxi.gov.cn/2024-03/15/img/1.jpg", 'E', "img/@src"),
            new Outlink("https://en.wuxi.gov.cn/2024-03/15/last.htm", 'L', "a/@href"),
        ], links);
        Assert.Empty(OutlinkReader.Read("User-agent: *\nDisallow: /"u8, "text/plain", new Uri("https://en.wuxi.gov.cn/robots.txt")));
    }

    [Fact]
    public void A_request_that_went_elsewhere_is_filed_under_the_url_it_went_to()
    {
        const string head = "GET /new/place.htm HTTP/1.1\r\nHost: en.wuxi.gov.cn\r\n\r\n";
        Assert.Equal("https://en.wuxi.gov.cn/new/place.htm", WarcWriter.RequestTarget("https://en.wuxi.gov.cn/old.htm", head));
        Assert.Equal("https://en.wuxi.gov.cn/new/place.htm", WarcWriter.RequestTarget("https://en.wuxi.gov.cn/new/place.htm", head));
        Assert.Equal("https://EN.wuxi.gov.cn:443/new/place.htm", WarcWriter.RequestTarget("https://EN.wuxi.gov.cn:443/new/place.htm", head));
    }
}
