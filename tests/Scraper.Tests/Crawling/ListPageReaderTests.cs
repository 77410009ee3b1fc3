using System.Text.Json;
using Scraper.Crawling;
using Scraper.Extraction;
using Scraper.Sites;
using Scraper.Tests.Support;

namespace Scraper.Tests.Crawling;

public sealed class ListPageReaderTests
{
    public static TheoryData<string> ListSamples() => new()
    {
        "en.wuxi.gov.cn/bizupdates.html", "en.wuxi.gov.cn/bizupdates_2.html", "www.wndonline.cn/news.html", "www.wndonline.cn/news_2.html",
    };

    /// <summary>The list samples' links, snapshot-tested beside the samples as <c>*.links.verified.json</c>.</summary>
    [Theory]
    [MemberData(nameof(ListSamples))]
    public void List_pages_give_their_articles_and_pages(string relative)
    {
        var path = Path.Combine(RepoPaths.Samples, relative);
        var url = SamplePaths.UrlForFile(path)!;
        var rule = SiteCatalog.Default.Match(url)!;
        var document = new HtmlDocumentLoader().Load(File.ReadAllBytes(path), null);
        var list = new ListPageReader().Read(document, url, rule);
        var json = JsonSerializer.Serialize(new
        {
            url = url.AbsoluteUri,
            articles = list.Entries.Select(e => new { url = e.Url.AbsoluteUri, date = e.Date?.ToString("yyyy-MM-dd") }),
            pages = list.Pages.Select(p => p.AbsoluteUri),
        }, new JsonSerializerOptions { WriteIndented = true });
        Snapshot.Match(Path.ChangeExtension(path, ".links.verified.json"), json);
        // Every linked article is a bundled sample, so an offline crawl of the samples finds them all.
        Assert.All(list.Entries, e => Assert.NotNull(e.Date));
        foreach (var article in list.Articles)
            Assert.True(File.Exists(SamplePaths.FileForUrl(RepoPaths.Samples, article)), article + " is not a sample");
    }

    [Fact]
    public void Without_list_selectors_matching_every_article_link_is_taken()
    {
        var rule = SiteCatalog.Default.Find("en.wuxi.gov.cn")!;
        var url = new Uri("https://en.wuxi.gov.cn/news.html");
        var document = new HtmlDocumentLoader().Parse("""
            <div class=new-template><a href="/2024-01/02/c_1.htm">A</a><a href="https://en.wuxi.gov.cn/2024-01/03/c_2.htm#top">B</a>
            <a href="/2024-01/03/c_2_2.htm">B page 2</a><a href="https://elsewhere.example/2024-01/03/c_3.htm">out of scope</a>
            <a href="/about.html">not an article</a></div>
            """);
        var list = new ListPageReader().Read(document, url, rule);
        Assert.Equal(["https://en.wuxi.gov.cn/2024-01/02/c_1.htm", "https://en.wuxi.gov.cn/2024-01/03/c_2.htm"], list.Articles.Select(a => a.AbsoluteUri));
    }

    [Theory]
    [InlineData("https://en.wuxi.gov.cn/bizupdates_18.html", "/bizupdates")]
    [InlineData("https://en.wuxi.gov.cn/bizupdates.html", "/bizupdates")]
    [InlineData("https://www.wndonline.cn/news_.html", "/news_")]
    public void Section_stems(string url, string stem) => Assert.Equal(stem, ListPageReader.SectionStem(new Uri(url)));
}
