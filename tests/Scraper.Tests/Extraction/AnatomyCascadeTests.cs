using System.Text;
using System.Text.Json;
using Scraper.Extraction;
using Scraper.Sites;
using Scraper.Tests.Support;

namespace Scraper.Tests.Extraction;

/// <summary>
/// The cascade on pages of the two sites in markup the rules do not know: metadata from the header zone, header lines
/// and boilerplate kept out of the body whichever extractor found it, the fields' provenance, and the selectors' misses.
/// </summary>
public sealed class AnatomyCascadeTests : IDisposable
{
    private static readonly ArticleExtractor Extractor = new(SiteCatalog.Default);
    private static readonly string Seed = Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm");
    private readonly string _root = Directory.CreateTempSubdirectory("scraper-anatomy-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Article Extract(string url, string html) =>
        Extractor.Extract(new Uri(url), Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8").Article;

    private const string Paragraph1 = "Wuxi's foreign trade grew 8 percent in 2022, with exports of integrated circuits and new energy products leading the way, the city's commerce bureau said on Monday.";
    private const string Paragraph2 = "The city's imports and exports totaled 737.31 billion yuan, and trade with countries along the Belt and Road grew faster than the total.";

    [Fact]
    public void Full_width_colons_and_no_break_spaces_are_read_like_the_plain_forms()
    {
        var article = Extract("https://en.wuxi.gov.cn/2023-01/29/c_854633.htm", $"""
            <html><head><title>Wuxi's foreign trade up 8% in 2022 - Wuxi</title></head><body>
            <ul><li><a href="/">Home</a></li><li><a href="/news.html">News</a></li></ul>
            <div><a href="/">Home</a>&nbsp;&gt;&nbsp;<a href="/news.html">News</a></div>
            <div><b>Wuxi's foreign trade up 8% in 2022</b></div>
            <div>Updated&nbsp;：&nbsp;2023-01-29</div><div>（chinadaily.com.cn）</div>
            <div><p>{Paragraph1}</p><p>{Paragraph2}</p></div>
            <div>8.03K</div><div>Copyright © China Daily. All rights reserved.</div>
            </body></html>
            """);
        Assert.Equal("Wuxi's foreign trade up 8% in 2022", article.Title);
        Assert.Equal("News", article.Section);
        Assert.Equal("2023-01-29", article.Published);
        Assert.Equal("page", article.PublishedFrom);
        Assert.Equal("chinadaily.com.cn", article.Source);
        Assert.Equal([Paragraph1, Paragraph2], article.Paragraphs);
        Assert.Equal("site:en.wuxi.gov.cn", article.Extractor);
        Assert.Equal(new FieldProvenance { Title = "anatomy", Section = "anatomy", Published = "anatomy", Source = "anatomy", Body = "anatomy" }, article.Provenance);
        Assert.Equal(["title", "section", "published", "source", "body"], article.SelectorMisses);
    }

    [Fact]
    public void A_page_that_falls_back_to_the_generic_extractor_keeps_the_sites_metadata_and_no_header_line_is_a_paragraph()
    {
        // No line the rules know ends the body: the generic algorithm finds it; the anatomy still reads the header.
        var article = Extract("https://www.wndonline.cn/2023-01/31/c_855102.htm", $"""
            <html><head><title>Investment group departs for Europe</title></head><body>
            <div>Zoom button</div><div>Menu button</div>
            <div>Home&gt; <a href="/news.html">News</a></div><div>News</div>
            <div>Investment group departs for Europe</div>
            <div>By ZHANG WEI (China Daily)Updated: 2023-01-31</div>
            <div><p>Home&gt; News</p><p>Investment group departs for Europe</p><p>{Paragraph1}</p><p>{Paragraph2}</p><p>{Paragraph1}</p>
            <p>Share:</p></div>
            <div>Subscribe to our newsletter</div>
            </body></html>
            """);
        Assert.Equal("generic", article.Extractor);
        Assert.Equal("Investment group departs for Europe", article.Title);
        Assert.Equal("News", article.Section);
        Assert.Equal("2023-01-31", article.Published);
        Assert.Equal("China Daily", article.Source);
        Assert.Equal("ZHANG WEI", article.Byline);
        Assert.Equal([Paragraph1, Paragraph2, Paragraph1], article.Paragraphs);
        Assert.Equal("generic", article.Provenance.Body);
        Assert.Equal("anatomy", article.Provenance.Section);
    }

    [Fact]
    public void A_selector_that_stops_matching_is_counted_as_a_miss_and_the_field_still_read()
    {
        var html = File.ReadAllText(Seed).Replace("class=\"art-source\"", "class=\"source-2025\"", StringComparison.Ordinal);
        var article = Extract("https://en.wuxi.gov.cn/2023-11/23/c_941797.htm", html);
        Assert.Equal("en.wuxi.gov.cn", article.Source);
        Assert.Equal("anatomy", article.Provenance.Source);
        Assert.Equal("selector", article.Provenance.Published);
        Assert.Equal("selector", article.Provenance.Body);
        Assert.Equal(["source"], article.SelectorMisses);
    }

    [Fact]
    public void The_title_comes_from_the_document_title_without_the_site_name_when_the_page_shows_none()
    {
        var article = Extract("https://bizwnd.gov.cn/overview.html", $"""
            <html><head><title>Overview - Wuxi National Hi-tech District</title></head><body>
            <div>Home&gt; <a href="/about.html">About WND</a>&gt; <a href="/overview.html">Overview</a></div>
            <div><p>{Paragraph1}</p><p>{Paragraph2}</p></div>
            <div>Leave Your Message Here</div><div>All rights reserved. Presented by China Daily.</div>
            </body></html>
            """);
        Assert.Equal("Overview", article.Title);
        Assert.Equal("meta", article.Provenance.Title);
        Assert.Equal("Overview", article.Section);
        Assert.Null(article.Published);
        Assert.Null(article.PublishedFrom);
        Assert.Equal([Paragraph1, Paragraph2], article.Paragraphs);
    }

    [Fact]
    public void A_continuation_page_without_a_date_line_is_dated_by_its_url()
    {
        var article = Extract("https://www.wndonline.cn/2023-06/15/c_905318_2.htm", $"""
            <html><head><title>Foreign investors find fertile ground in WND - Wuxi National Hi-tech District</title></head><body>
            <div>Home&gt; <a href="/news.html">News</a></div><div>News</div>
            <h3>Foreign investors find fertile ground in WND</h3>
            <div><p>{Paragraph1}</p><p>{Paragraph2}</p></div>
            <div>Media Center</div>
            </body></html>
            """);
        Assert.Equal("2023-06-15", article.Published);
        Assert.Equal("url", article.PublishedFrom);
        Assert.Equal("url", article.Provenance.Published);
        Assert.Equal([Paragraph1, Paragraph2], article.Paragraphs);
    }

    [Fact]
    public void A_paragraph_in_a_header_form_below_the_first_paragraph_is_the_bodys_own()
    {
        // Page 2 shows no date line; its last paragraph looks like a source line and its second opens with "By".
        var article = Extract("https://covid-19.chinadaily.com.cn/m/jiangsu/wuxi/2016-04/01/content_24290278_2.htm", $"""
            <html><head><title>An interpretation of Wuxi's future development - Business - Wuxi</title></head><body>
            <div>Home &gt; <a href="/business.html">Business</a></div>
            <div>An interpretation of Wuxi's future development</div>
            <div><p>{Paragraph1}</p><p>By 2030, the city is projected to have 1.6 million senior citizens.</p><p>(China Daily USA 04/01/2016 page12)</p></div>
            <div>8.03K</div><div>Copyright © 2017 China Daily. All rights reserved.</div>
            </body></html>
            """);
        Assert.Equal([Paragraph1, "By 2030, the city is projected to have 1.6 million senior citizens.", "(China Daily USA 04/01/2016 page12)"], article.Paragraphs);
        Assert.Null(article.Source);
        Assert.Equal("2016-04-01", article.Published);
        Assert.Equal("url", article.PublishedFrom);
    }

    [Theory]
    [InlineData("after the source line", "<div class=\"art-source\">(en.wuxi.gov.cn)</div>")]
    [InlineData("in the navigation", "<li><a href=\"/business.html\">Business</a>")]
    public async Task A_page_cut_off_before_its_body_is_an_error(string where, string cutAfter)
    {
        var text = File.ReadAllText(Seed);
        var cut = text[..(text.IndexOf(cutAfter, StringComparison.Ordinal) + cutAfter.Length)];
        var path = Path.Combine(_root, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, cut);
        var result = await CliRunner.RunAsync("extract", path);
        Assert.True(result.ExitCode == 1, $"cut {where}: {result.Out}");
        Assert.Contains("no article text found", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task A_page_of_another_template_cut_off_after_its_header_is_an_error_and_no_revision_is_stored()
    {
        var sample = Path.Combine(RepoPaths.Samples, "global.chinadaily.com.cn", "m", "jiangsu", "wuxi", "2015-03", "11", "content_19781642.htm");
        var text = File.ReadAllText(sample);
        var cut = text[..(text.IndexOf("By Xie Min (chinadaily.com.cn)</div>", StringComparison.Ordinal) + 36)];
        var path = Path.Combine(_root, "global.chinadaily.com.cn", "m", "jiangsu", "wuxi", "2015-03", "11", "content_19781642.htm");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, cut);
        var extract = await CliRunner.RunAsync("extract", path);
        Assert.Equal(1, extract.ExitCode);
        Assert.Contains("no article text found", extract.Error);

        var db = Path.Combine(_root, "archive.db");
        var import = await CliRunner.RunAsync("import", path, "--db", db);
        Assert.True(import.ExitCode == 0, import.Error);
        Assert.Contains("no article", import.Out);
        var list = await CliRunner.RunAsync("list", "--db", db, "--format", "json");
        Assert.Equal(0, JsonDocument.Parse(list.Out).RootElement.GetArrayLength());
    }
}
