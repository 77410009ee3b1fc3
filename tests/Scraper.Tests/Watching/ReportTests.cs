using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Scraper.Archive;
using Scraper.Cli;
using Scraper.Crawling;
using Scraper.Extraction;
using Scraper.Tests.Support;
using Scraper.Watching;
using static Scraper.Tests.Archive.ArchiveFixtures;

namespace Scraper.Tests.Watching;

/// <summary>
/// <c>scraper report</c> over an archive of known shape: articles of both sites published over four months (one undated),
/// two articles corrected after publication, and five crawl runs over three weeks with errors and generic fallbacks.
/// The page is checked as written and as Debian's Chromium renders it.
/// </summary>
public sealed class ReportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string Db => _folder.File("archive.db");

    public void Dispose() => _folder.Dispose();

    /// <summary>The archive's clock, for the runs' start times.</summary>
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset May1 = new(2024, 5, 1, 6, 0, 0, TimeSpan.Zero);

    private static Article Wuxi(int n, string? published, string? source = "chinadaily.com.cn", string section = "News") =>
        WuxiArticle($"https://en.wuxi.gov.cn/a/c_{n}.htm") with { Title = $"Wuxi article {n}", Published = published, Source = source, Section = section };

    private static Article Wnd(int n, string published) =>
        WuxiArticle($"https://www.wndonline.cn/a/c_{n}.htm") with
        {
            Site = "wnd.gov.cn",
            Extractor = "site:wnd.gov.cn",
            Title = $"WND article {n}",
            Published = published,
            Source = "wndonline.cn",
            Section = "Biz Updates",
        };

    /// <summary>
    /// Published: wuxi 3 in Jan 2024, 1 in Feb, 2 in Apr, 1 undated; wnd 2 in Feb, 1 in Apr. Runs on May 1, 2, 3, 10 and 20:
    /// run 1 archives everything; article 1 is corrected in run 2 (title) and run 4 (a paragraph added), wnd article 20 in run 3.
    /// </summary>
    private async Task BuildAsync()
    {
        var clock = new Clock(May1);
        await using var store = await ArchiveStore.OpenAsync(Db, ArchiveAccess.ReadWrite, new ArchiveOptions(Clock: clock));
        var first = new List<Article>
        {
            Wuxi(1, "2024-01-05"), Wuxi(2, "2024-01-10"), Wuxi(3, "2024-01-31", source: null), Wuxi(4, "2024-02-02"),
            Wuxi(5, "2024-04-01", section: "Culture"), Wuxi(6, "2024-04-30"), Wuxi(7, null), Wnd(20, "2024-02-14"), Wnd(21, "2024-02-28"), Wnd(22, "2024-04-04"),
        };
        async Task RunAsync(int day, int errors, int generic, string status, params Article[] articles)
        {
            clock.Now = May1.AddDays(day - 1);
            var run = await store.Frontier.BeginCrawlAsync();
            foreach (var article in articles)
                await store.Captures.StorePageAsync(Capture(article, clock.Now) with { RunId = run.RunId }, article);
            await store.Frontier.CompleteAsync("https://en.wuxi.gov.cn/none", new FrontierOutcome("done"), run.RunId,
                new RunCounts(Fetched: articles.Length + 2, NewPages: articles.Length, Errors: errors, GenericFallbacks: generic));
            clock.Now = clock.Now.AddMinutes(3);
            await store.Frontier.EndRunAsync(run.RunId, status);
        }
        await RunAsync(1, 0, 0, "ok", [.. first]);
        await RunAsync(2, 2, 0, "partial", first[0] with { Title = "Wuxi article 1, corrected" });
        await RunAsync(3, 0, 3, "ok", first[7] with { Paragraphs = ["Only one paragraph now."] });
        await RunAsync(10, 5, 1, "failed");
        await RunAsync(20, 0, 0, "ok", first[0] with { Title = "Wuxi article 1, corrected", Paragraphs = [.. first[0].Paragraphs, "A paragraph added."] });
    }

    private async Task<(string Path, string Html)> ReportAsync(params string[] more)
    {
        var path = _folder.File("report.html");
        var result = await CliRunner.RunAsync(["report", "--db", Db, "--out", path, .. more]);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        Assert.Matches(@"^Wrote .*report\.html: \d+ article\(s\), \d+ revision\(s\), \d+ run\(s\) \([\d.]+ KB\)\.\n$", result.Out);
        return (path, await File.ReadAllTextAsync(path));
    }

    private static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    /// <summary>The values of a chart's bars, summed per series.</summary>
    private static Dictionary<string, long> SeriesTotals(IDocument document, string chart) =>
        document.QuerySelectorAll($"svg[data-chart='{chart}'] rect[data-series]")
            .GroupBy(r => r.GetAttribute("data-series")!)
            .ToDictionary(g => g.Key, g => g.Sum(r => long.Parse(r.GetAttribute("data-value")!)));

    private static long Bar(IDocument document, string chart, string category, string series) =>
        document.QuerySelectorAll($"svg[data-chart='{chart}'] rect")
            .Where(r => r.GetAttribute("data-category") == category && r.GetAttribute("data-series") == series)
            .Sum(r => long.Parse(r.GetAttribute("data-value")!));

    /// <summary>What every rendering of the full report must show, checked on a DOM (the written file's, or Chromium's).</summary>
    private static void AssertFullReport(IDocument document)
    {
        long Total(string id) => long.Parse(document.QuerySelector($"[data-total='{id}']")!.GetAttribute("data-value")!);
        Assert.Equal(10, Total("articles"));
        Assert.Equal(13, Total("revisions"));   // 10 first revisions and 3 corrections
        Assert.Equal(5, Total("runs"));
        Assert.Equal(7, Total("errors"));

        // Published per month, per site; the undated article is left out and said to be.
        Assert.Equal(new Dictionary<string, long> { ["en.wuxi.gov.cn"] = 6, ["wnd.gov.cn"] = 3 }, SeriesTotals(document, "published"));
        Assert.Equal("9", document.QuerySelector("svg[data-chart='published']")!.GetAttribute("data-total"));
        Assert.Equal(3, Bar(document, "published", "2024-01", "en.wuxi.gov.cn"));
        Assert.Equal(2, Bar(document, "published", "2024-02", "wnd.gov.cn"));
        Assert.Equal(0, Bar(document, "published", "2024-03", "en.wuxi.gov.cn"));
        Assert.Contains("1 article(s) without a readable date", document.QuerySelector("#published")!.TextContent);

        Assert.Equal(new Dictionary<string, long> { ["first revision (new article)"] = 10, ["later revision (changed)"] = 3 }, SeriesTotals(document, "revisions"));

        // The most revised articles, with what each revision changed.
        var rows = document.QuerySelectorAll("#most-revised tbody tr").ToList();
        Assert.Equal(["3", "2"], rows.Select(r => r.GetAttribute("data-revisions")));
        Assert.Equal("Wuxi article 1, corrected", rows[0].QuerySelector("a")!.TextContent);
        Assert.Equal("https://en.wuxi.gov.cn/a/c_1.htm", rows[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(["2024-05-02: title changed", "2024-05-20: 1 paragraph added"], rows[0].QuerySelectorAll("li").Select(l => l.TextContent));
        Assert.Equal(["2", "3"], rows[0].QuerySelectorAll("li").Select(l => l.GetAttribute("value")));
        Assert.Equal(["2024-05-03: 1 paragraph added, 3 paragraphs removed"], rows[1].QuerySelectorAll("li").Select(l => l.TextContent));

        // Sources and sections.
        var sources = document.QuerySelectorAll("table[data-chart='sources'] tr").ToDictionary(r => r.GetAttribute("data-label")!, r => r.GetAttribute("data-value"));
        Assert.Equal(new Dictionary<string, string?> { ["chinadaily.com.cn"] = "6", ["wndonline.cn"] = "3", ["(none)"] = "1" }, sources);
        Assert.Equal(["News", "Biz Updates", "Culture"], document.QuerySelectorAll("table[data-chart='sections'] tr").Select(r => r.GetAttribute("data-label")));

        // Runs over three weeks, one bar per day; their errors and generic fallbacks.
        var runs = document.QuerySelector("svg[data-chart='runs']")!;
        Assert.Equal("5", runs.GetAttribute("data-total"));
        Assert.Equal(new Dictionary<string, long> { ["ok"] = 3, ["partial"] = 1, ["failed"] = 1 }, SeriesTotals(document, "runs"));
        Assert.Equal(new Dictionary<string, long> { ["errors"] = 7, ["generic fallbacks"] = 4 }, SeriesTotals(document, "run-problems"));
        Assert.Equal(5, Bar(document, "run-problems", "2024-05-10", "errors"));
        Assert.Equal(3, Bar(document, "run-problems", "2024-05-03", "generic fallbacks"));
        Assert.Equal(["5", "4", "3", "2", "1"], document.QuerySelectorAll("#recent-runs tbody tr").Select(r => r.GetAttribute("data-run")));
    }

    [Fact]
    public async Task The_report_shows_the_archive_in_charts_and_tables_from_one_self_contained_file()
    {
        await BuildAsync();
        var (path, html) = await ReportAsync();
        AssertFullReport(Parse(html));

        // Self-contained: nothing to load, nothing to run, and a policy that forbids both.
        Assert.True(new FileInfo(path).Length < 2 * 1024 * 1024);
        var document = Parse(html);
        Assert.Empty(document.QuerySelectorAll("script, img, link, iframe, object, embed, [src]"));
        Assert.DoesNotContain("url(", html);
        Assert.DoesNotContain("@import", html);
        Assert.Equal("default-src 'none'; style-src 'unsafe-inline'",
            document.QuerySelector("meta[http-equiv='Content-Security-Policy']")!.GetAttribute("content"));
        Assert.Contains("prefers-color-scheme: dark", html);
        Assert.All(document.QuerySelectorAll("a[href]"), a => Assert.StartsWith("https://", a.GetAttribute("href")));
    }

    [Fact]
    public async Task Since_and_site_narrow_what_the_report_counts()
    {
        await BuildAsync();
        var (_, html) = await ReportAsync("--since", "2024-02-01", "--site", "wnd.gov.cn");
        var document = Parse(html);
        Assert.Equal(new Dictionary<string, long> { ["wnd.gov.cn"] = 3 }, SeriesTotals(document, "published"));
        Assert.Equal(["2024-02", "2024-03", "2024-04"], document.QuerySelectorAll("svg[data-chart='published'] text.axis")
            .Select(t => t.TextContent).Where(t => t.Contains(' ')).Select(t => DateTime.ParseExact(t, "MMM yyyy", null).ToString("yyyy-MM")));
        var revised = Assert.Single(document.QuerySelectorAll("#most-revised tbody tr"));
        Assert.Equal("https://www.wndonline.cn/a/c_20.htm", revised.QuerySelector("a")!.GetAttribute("href"));
        // Runs are the whole crawl's: they have no site.
        Assert.Equal("5", document.QuerySelector("svg[data-chart='runs']")!.GetAttribute("data-total"));

        // A window after every run and capture: nothing in the runs and revisions, articles by their published date.
        var (_, later) = await ReportAsync("--since", "2024-06-01");
        var empty = Parse(later);
        Assert.Equal("0", empty.QuerySelector("[data-total='articles']")!.GetAttribute("data-value"));
        Assert.Contains("no data in this window", empty.QuerySelector("#published")!.TextContent);
        Assert.Contains("No crawl ran in this window", empty.QuerySelector("#runs")!.TextContent);
        Assert.Contains("No article changed", empty.QuerySelector("#most-revised")!.TextContent);
    }

    [Theory]
    [InlineData(new[] { "report" }, "--out")]
    [InlineData(new[] { "report", "--out", "/no/such/folder/report.html" }, "cannot be written")]
    [InlineData(new[] { "report", "--out", "r.html", "--site", "example.org" }, "not a known site")]
    [InlineData(new[] { "report", "--out", "r.html", "--since", "last week" }, "is not a date")]
    public async Task Bad_options_are_usage_errors(string[] args, string message)
    {
        await BuildAsync();
        var result = await CliRunner.RunAsync([.. args, "--db", Db]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public void Monthly_charts_fill_the_months_between_and_count_by_year_past_twenty_years()
    {
        var (months, series) = ArchiveReportRenderer.Monthly(
            [new MonthlyCount("2023-11", "a", 2), new MonthlyCount("2024-02", "b", 1), new MonthlyCount("2024-02", "a", 5)], ["b"]);
        Assert.Equal(["2023-11", "2023-12", "2024-01", "2024-02"], months);
        Assert.Equal(["b", "a"], series.Select(s => s.Name));
        Assert.Equal([2L, 0, 0, 5], series[1].Values);

        var (years, wide) = ArchiveReportRenderer.Monthly([new MonthlyCount("1990-01", "a", 1), new MonthlyCount("2024-06", "a", 3), new MonthlyCount("2024-01", "a", 1)], []);
        Assert.Equal(35, years.Count);
        Assert.Equal(("1990", "2024"), (years[0], years[^1]));
        Assert.Equal(4, wide[0].Values[^1]);
        // Scales of four round whole steps: 0 1 2 3 4, 0 2 4 6 8, 0 5 10 15 20, 0 25 50 75 100 …
        Assert.Equal([4.0, 4, 8, 20, 100, 800, 100_000], new[] { 0.0, 4, 5, 17, 99, 501, 100_000 }.Select(SvgBarChart.NiceScale));
    }

    /// <summary>
    /// The report in Debian's Chromium: the DOM it builds holds the charts with the right counts, and the page renders
    /// light on a light system and dark on a dark one. The screenshots stay in the test output (screenshots/).
    /// </summary>
    [RequiresFileFact(HeadlessChromium.Path, failInCi: true, install: HeadlessChromium.Install)]
    public async Task Chromium_renders_the_report_with_its_charts_in_light_and_dark_mode()
    {
        await BuildAsync();
        var (path, _) = await ReportAsync();
        var dom = await HeadlessChromium.DumpDomAsync(path, _folder);
        var document = Parse(dom);
        AssertFullReport(document);
        Assert.Equal(6, document.QuerySelectorAll("svg.chart").Length + document.QuerySelectorAll("table.ranking").Length);

        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        var light = Path.Combine(screenshots, "report-light.png");
        var dark = Path.Combine(screenshots, "report-dark.png");
        File.Delete(light);
        File.Delete(dark);
        await HeadlessChromium.ScreenshotAsync(path, light, 1200, 2400, dark: false, _folder);
        await HeadlessChromium.ScreenshotAsync(path, dark, 1200, 2400, dark: true, _folder);
        var lightImage = PngImage.Read(await File.ReadAllBytesAsync(light));
        var darkImage = PngImage.Read(await File.ReadAllBytesAsync(dark));
        Assert.Equal((1200, 2400), (lightImage.Width, lightImage.Height));
        // The page's margin (top left corner) is its background: white-ish by day, near black at night.
        Assert.True(lightImage.MeanLuminance(0, 0, 16, 16) > 240, $"light background {lightImage.MeanLuminance(0, 0, 16, 16)}");
        Assert.True(darkImage.MeanLuminance(0, 0, 16, 16) < 30, $"dark background {darkImage.MeanLuminance(0, 0, 16, 16)}");
        // The whole page follows, panels, charts and text included.
        Assert.True(lightImage.MeanLuminance() > 200, $"light page {lightImage.MeanLuminance()}");
        Assert.True(darkImage.MeanLuminance() < 60, $"dark page {darkImage.MeanLuminance()}");
    }
}
