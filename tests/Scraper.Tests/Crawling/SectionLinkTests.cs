using System.Text;
using Scraper.Crawling;
using Scraper.Extraction;
using Scraper.Fetching;
using Scraper.Sites;
using Scraper.Tests.Support;

namespace Scraper.Tests.Crawling;

/// <summary>Which links of a page are sections: the list URL form of its site, first pages, its rules' exclusions, in scope.</summary>
public sealed class SectionLinkTests
{
    private const string Html = """
        <html><head><link rel="stylesheet" href="/style.html"></head><body>
        <div class="menu"><a href="/news.html">News</a> <a href='/culture_3.html'>Culture</a> <a href=/videos.html#top>Videos</a>
        <a href="/overview.html">Overview</a> <a href="/About.html">About</a> <a href="/ebooks.html">E-books</a>
        <a href="/bizupdates_2.html">Biz Updates, page 2 (its own section)</a> <a href="/2024-01/02/c_1.htm">an article</a>
        <a href="https://elsewhere.example/sports.html">another site</a> <a href="/news.html?page=2">News again</a>
        <a href="https://www.wuxinews.com.cn/latest_153.html">Latest on the mirror host</a> <a href="/a/b/c.html">no list form</a></div>
        </body></html>
        """;

    private static readonly Uri Page = new("https://en.wuxi.gov.cn/bizupdates.html");

    [Fact]
    public void The_links_of_the_list_form_are_sections_from_their_first_page_but_those_excluded_and_the_pages_own()
    {
        var rule = SiteCatalog.Default.Find("en.wuxi.gov.cn")!;
        var scope = new HostScope(rule.Hosts);
        string[] expected =
        [
            "https://en.wuxi.gov.cn/news.html", "https://en.wuxi.gov.cn/culture.html", "https://en.wuxi.gov.cn/videos.html",
            "https://www.wuxinews.com.cn/latest.html",
        ];
        // The same from the parsed page (list pages) and from its raw bytes (article pages, parsed by their extraction).
        var fromDocument = new ListPageReader().ReadSections(new HtmlDocumentLoader().Parse(Html), Page, rule, scope, SiteCatalog.Default);
        var fromBytes = new ListPageReader().ReadSections(Encoding.UTF8.GetBytes(Html), Page, rule, scope, SiteCatalog.Default);
        Assert.Equal(expected, fromDocument.Select(u => u.AbsoluteUri));
        Assert.Equal(expected, fromBytes.Select(u => u.AbsoluteUri));
    }

    [Theory]
    [InlineData("https://en.wuxi.gov.cn/bizupdates_18.html", "https://en.wuxi.gov.cn/bizupdates.html", "bizupdates")]
    [InlineData("https://en.wuxi.gov.cn/wuxiexpatswuxiinsights_4.html", "https://en.wuxi.gov.cn/wuxiexpatswuxiinsights.html", "wuxiexpatswuxiinsights")]
    [InlineData("http://subsites.chinadaily.com.cn/bizwnden/news_2.html?x=1", "http://subsites.chinadaily.com.cn/bizwnden/news.html", "news")]
    [InlineData("https://www.wndonline.cn/wndnews.html", "https://www.wndonline.cn/wndnews.html", "wndnews")]
    public void A_sections_first_page_and_name(string url, string first, string name)
    {
        Assert.Equal(first, ListPageReader.FirstPageOf(new Uri(url)).AbsoluteUri);
        Assert.Equal(name, ListPageReader.SectionName(new Uri(url)));
    }

    [Theory]
    [InlineData("https://en.wuxi.gov.cn/overview.html", true)]
    [InlineData("https://en.wuxi.gov.cn/about.html", true)]
    [InlineData("https://en.wuxi.gov.cn/news.html", false)]
    [InlineData("https://en.wuxi.gov.cn/2023-11/23/c_941797.htm", false)]
    [InlineData("https://bizwnd.gov.cn/overview.html", true)]
    [InlineData("https://www.wndonline.cn/whywnd.html", true)]
    public void Standing_pages_are_the_excluded_names_of_the_list_form(string url, bool standing) =>
        Assert.Equal(standing, SiteCatalog.Default.Match(new Uri(url))!.IsStandingPage(new Uri(url)));

    [Fact]
    public async Task A_standing_page_is_read_as_no_article()
    {
        var path = Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "overview.html");
        var reader = new PageReader(new ArticleExtractor(SiteCatalog.Default));
        var reading = await reader.ReadAsync(new Uri("https://en.wuxi.gov.cn/overview.html"), File.ReadAllBytes(path), null, null, CancellationToken.None);
        Assert.True(reading.IsStandingPage);
        Assert.Null(reading.Article);
        // `extract` still reads it: the exclusion is the archive's, not the extractor's.
        Assert.NotEmpty(new ArticleExtractor(SiteCatalog.Default).Extract(new Uri("https://en.wuxi.gov.cn/overview.html"), File.ReadAllBytes(path), null).Article.Paragraphs);
    }
}
