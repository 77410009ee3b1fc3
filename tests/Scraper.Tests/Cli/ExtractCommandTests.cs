using System.Text;
using System.Text.Json;
using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

public sealed class ExtractCommandTests
{
    private static string Sample(string relative) => Path.Combine(RepoPaths.Samples, relative.Replace('/', Path.DirectorySeparatorChar));

    [Fact]
    public async Task Several_inputs_give_json_lines_in_input_order_with_the_input_field()
    {
        var a = Sample("en.wuxi.gov.cn/2023-11/23/c_941797.htm");
        var b = Sample("www.wndonline.cn/2019-06/04/c_346512.htm");
        var result = await CliRunner.RunAsync("extract", a, b);
        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal(a, first.RootElement.GetProperty("input").GetString());
        Assert.Equal(b, second.RootElement.GetProperty("input").GetString());
        Assert.Equal("wnd.gov.cn", second.RootElement.GetProperty("site").GetString());
        Assert.Equal("input", first.RootElement.EnumerateObject().First().Name);
    }

    [Fact]
    public async Task The_url_option_gives_a_file_its_original_url()
    {
        using var temp = new TempFolder();
        var copy = temp.Write("page.htm", File.ReadAllBytes(Sample("www.wndonline.cn/2019-06/04/c_346512.htm")));
        var result = await CliRunner.RunAsync("extract", copy, "--url", "https://bizwnd.gov.cn/2019-06/04/c_346512.htm");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("https://bizwnd.gov.cn/2019-06/04/c_346512.htm", json.RootElement.GetProperty("url").GetString());
        Assert.Equal("site:wnd.gov.cn", json.RootElement.GetProperty("extractor").GetString());
        Assert.StartsWith("https://bizwnd.gov.cn/2019-06/04/", json.RootElement.GetProperty("figures")[0].GetProperty("src").GetString());
    }

    [Fact]
    public async Task The_url_option_with_several_inputs_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("extract", Sample("en.wuxi.gov.cn/overview.html"), Sample("bizwnd.gov.cn/overview.html"), "--url", "https://en.wuxi.gov.cn/x.htm");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--url applies to a single file input", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task An_unknown_format_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("extract", Sample("en.wuxi.gov.cn/overview.html"), "--format", "yaml");
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'), l => l.Contains("yaml"));
    }

    [Fact]
    public async Task Text_format_shows_title_metadata_paragraphs_and_figures()
    {
        var result = await CliRunner.RunAsync("extract", Sample("en.wuxi.gov.cn/2023-11/23/c_941797.htm"), "--format", "text");
        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n');
        Assert.Equal("WND to strengthen business collaboration with Japanese enterprises", lines[0]);
        Assert.Equal("Latest · 2023-11-23 · (en.wuxi.gov.cn)", lines[1]);
        Assert.Contains("[Figure: A presentation on WND's investment environment is given during the conference. (WeChat account: xinwu_wx)]", result.Out);
        Assert.DoesNotContain("Copyright", result.Out);
    }

    [Fact]
    public async Task Markdown_format_has_a_heading_and_image_links()
    {
        var result = await CliRunner.RunAsync("extract", Sample("en.wuxi.gov.cn/2023-01/31/c_855102.htm"), "--format", "markdown");
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("# Wuxi New District investment group departs for Europe\n\n## Delegation to visit Germany, France and the Netherlands\n", result.Out);
        Assert.Contains("![", result.Out);
        Assert.Contains("*Officials from Wuxi New District see off the investment attraction group at Shanghai Pudong International Airport. (wxrb.com)*", result.Out);
    }

    [Fact]
    public async Task Page_one_of_a_split_article_is_joined_with_its_siblings()
    {
        var result = await CliRunner.RunAsync("extract", Sample("www.wuxinews.com.cn/2019-03/28/content_37452825.htm"));
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(3, json.RootElement.GetProperty("pages").GetInt32());
        var page3 = await CliRunner.RunAsync("extract", Sample("www.wuxinews.com.cn/2019-03/28/content_37452825_3.htm"));
        using var third = JsonDocument.Parse(page3.Out);
        var lastJoined = json.RootElement.GetProperty("paragraphs").EnumerateArray().Last().GetString();
        Assert.Equal(third.RootElement.GetProperty("paragraphs").EnumerateArray().Last().GetString(), lastJoined);
    }

    [Fact]
    public async Task A_split_article_missing_a_sibling_joins_the_pages_it_has()
    {
        using var temp = new TempFolder();
        foreach (var name in new[] { "content_37452825.htm", "content_37452825_3.htm" })
            temp.Write(Path.Combine("www.wuxinews.com.cn", "2019-03", "28", name), File.ReadAllBytes(Sample("www.wuxinews.com.cn/2019-03/28/" + name)));
        var result = await CliRunner.RunAsync("extract", temp.File(Path.Combine("www.wuxinews.com.cn", "2019-03", "28", "content_37452825.htm")));
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(2, json.RootElement.GetProperty("pages").GetInt32());
    }

    [Fact]
    public async Task A_rules_file_overrides_a_site_and_the_generic_extractor_takes_over()
    {
        using var temp = new TempFolder();
        var rules = temp.Write("rules.json", """
            { "site": "en.wuxi.gov.cn", "hosts": ["en.wuxi.gov.cn"],
              "article": { "title": ["h1.art-title"], "body": ["#no-such-body"], "info": [".art-info", ".art-source"], "breadcrumb": [".crumb"] } }
            """);
        var result = await CliRunner.RunAsync("extract", Sample("en.wuxi.gov.cn/2023-11/23/c_941797.htm"), "--rules", rules);
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("generic", root.GetProperty("extractor").GetString());
        Assert.Equal("en.wuxi.gov.cn", root.GetProperty("site").GetString());
        Assert.Equal("WND to strengthen business collaboration with Japanese enterprises", root.GetProperty("title").GetString());
        Assert.Contains(root.GetProperty("paragraphs").EnumerateArray(), p => p.GetString()!.StartsWith("Currently, WND is home to nearly 400 Japanese enterprises"));
        Assert.DoesNotContain("Copyright", root.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_rules_file_adds_a_site()
    {
        using var temp = new TempFolder();
        var rules = temp.Write("rules.json", """
            [{ "site": "example.org", "hosts": ["news.example.org"],
               "article": { "title": ["h1"], "body": [".story"], "info": [".meta"] } }]
            """);
        var page = temp.Write(Path.Combine("news.example.org", "a.html"),
            "<html lang=en><body><h1>Hello</h1><div class=meta>By Ann Lee (Example News) Updated: 2024-01-02</div><div class=nav><p>Home News Sports Videos Photos About</p></div><div class=story><p>First paragraph.</p><p>Second.</p></div></body></html>");
        var result = await CliRunner.RunAsync("extract", page, "--rules", rules);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("site:example.org", root.GetProperty("extractor").GetString());
        Assert.Equal("https://news.example.org/a.html", root.GetProperty("url").GetString());
        Assert.Equal("Ann Lee", root.GetProperty("byline").GetString());
        Assert.Equal("2024-01-02", root.GetProperty("published").GetString());
        Assert.Equal(["First paragraph.", "Second."], root.GetProperty("paragraphs").EnumerateArray().Select(p => p.GetString()!).ToArray());
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{ "site": "x", "hosts": [] }""")]
    [InlineData("""{ "site": "x", "hosts": ["x.org"], "article": { "body": ["div[["] } }""")]
    public async Task A_bad_rules_file_is_a_usage_error(string rules)
    {
        using var temp = new TempFolder();
        var path = temp.Write("rules.json", rules);
        var result = await CliRunner.RunAsync("extract", Sample("en.wuxi.gov.cn/overview.html"), "--rules", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains("rules.json", result.Error);
    }

    [Fact]
    public async Task A_page_of_an_unknown_site_goes_to_the_generic_extractor()
    {
        using var temp = new TempFolder();
        var page = temp.Write("page.html", "<html><head><title>Local news</title></head><body><nav><a href=/>Home</a></nav><article><h1>Bridge opens</h1><p>The new bridge over the canal opened to traffic on Monday morning after two years of work.</p><p>Residents welcomed the shorter commute across the water.</p></article><footer>Copyright 2024</footer></body></html>");
        var result = await CliRunner.RunAsync("extract", page, "--url", "https://example.com/news/bridge.html");
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("generic", root.GetProperty("extractor").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("site").ValueKind);
        Assert.Equal(2, root.GetProperty("paragraphs").GetArrayLength());
        Assert.DoesNotContain("Copyright", root.GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_gb2312_samples_decode_from_their_meta_tag()
    {
        var result = await CliRunner.RunAsync("extract", Sample("www.wnd.gov.cn/doc/2024/05/20/1234567.shtml"));
        using var json = JsonDocument.Parse(result.Out);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", json.RootElement.GetProperty("title").GetString()!);
        Assert.DoesNotContain('\uFFFD', result.Out);
        Assert.Contains("charset=gb2312", Encoding.Latin1.GetString(File.ReadAllBytes(Sample("www.wnd.gov.cn/doc/2024/05/20/1234567.shtml"))), StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary><c>scraper extract URL</c> against a real server on 127.0.0.1 serving the samples.</summary>
public sealed class ExtractUrlTests
{
    [Fact]
    public async Task A_url_is_fetched_and_its_sibling_pages_joined()
    {
        await using var site = await LoopbackSite.StartAsync(RepoPaths.Samples, "www.wuxinews.com.cn");
        using var temp = new TempFolder();
        // The site rules of en.wuxi.gov.cn, for the loopback host.
        var rules = temp.Write("rules.json", """
            { "site": "en.wuxi.gov.cn", "hosts": ["127.0.0.1"],
              "articleUrl": "^/\\d{4}-\\d{2}/\\d{2}/(?:c|content)_\\d+(?:_\\d+)?\\.htm$",
              "continuationUrl": "^/\\d{4}-\\d{2}/\\d{2}/(?:c|content)_\\d+_(?<page>\\d+)\\.htm$",
              "article": { "title": ["h1.art-title"], "breadcrumb": [".crumb"], "info": [".art-info", ".art-source"],
                           "body": ["#Content"], "pager": ["#div_currpage a"], "remove": ["#div_currpage", ".art-views"] } }
            """);
        var url = site.Url("/2019-03/28/content_37452825.htm").AbsoluteUri;
        var result = await CliRunner.RunAsync("extract", url, "--rules", rules);
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(3, json.RootElement.GetProperty("pages").GetInt32());
        Assert.Equal("Chen Liubing and Ma Zhiping", json.RootElement.GetProperty("byline").GetString());
        Assert.Single(site.RequestsTo("/robots.txt"));
        Assert.Single(site.RequestsTo("/2019-03/28/content_37452825_3.htm"));
        Assert.StartsWith("scraper/", site.RequestsTo("/2019-03/28/content_37452825.htm")[0].UserAgent);
    }

    [Fact]
    public async Task A_missing_url_fails_alone_with_one_line()
    {
        await using var site = await LoopbackSite.StartAsync(RepoPaths.Samples, "www.wuxinews.com.cn");
        var missing = site.Url("/2019-03/28/no_such_page.htm").AbsoluteUri;
        var good = Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "overview.html");
        var result = await CliRunner.RunAsync("extract", missing, good);
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.StartsWith($"scraper: {missing}: ", line);
        Assert.Contains("404", line);
        Assert.Single(result.Out.Trim().Split('\n'));
    }
}
