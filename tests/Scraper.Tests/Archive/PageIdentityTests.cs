using System.Text;
using Scraper.Archive;
using Scraper.Extraction;
using Scraper.Sites;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;

namespace Scraper.Tests.Archive;

/// <summary>Which URLs are one page: the rules' host aliases, http and https, canonical links; and the store keeping one page for them.</summary>
public sealed class PageIdentityTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly PageIdentity identity = PageIdentity.Default;

    private string Db => folder.File("archive.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        folder.Dispose();
    }

    [Theory]
    [InlineData("http://en.wuxi.gov.cn/2023-11/23/c_941797.htm", "http://en.wuxi.gov.cn/2023-11/23/c_941797.htm")]
    [InlineData("https://www.wuxinews.com.cn/2023-11/23/c_941797.htm", "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm")]
    [InlineData("http://wuxinews.com.cn/2019-03/28/content_37452825_3.htm", "http://en.wuxi.gov.cn/2019-03/28/content_37452825_3.htm")]
    [InlineData("http://global.chinadaily.com.cn/m/jiangsu/wuxi/2015-01/22/content_23809679.htm", "http://www.chinadaily.com.cn/m/jiangsu/wuxi/2015-01/22/content_23809679.htm")]
    [InlineData("https://covid-19.chinadaily.com.cn/m/jiangsu/wuxi/2016-04/01/content_24290278.htm", "https://www.chinadaily.com.cn/m/jiangsu/wuxi/2016-04/01/content_24290278.htm")]
    [InlineData("http://subsites.chinadaily.com.cn/bizwnden/2020-11/06/c_567903_3.htm", "http://www.wndonline.cn/2020-11/06/c_567903_3.htm")]
    [InlineData("http://www.bizwnd.com/2023-05/25/c_889495.htm", "http://www.wndonline.cn/2023-05/25/c_889495.htm")]
    // Not mirrors: the China Daily homes of the two sites, other sites of subsites.chinadaily.com.cn, other ports, hosts of no group.
    [InlineData("http://www.chinadaily.com.cn/m/jiangsu/wuxinewdistrict/2018-06-05/content_18707796.htm", "http://www.chinadaily.com.cn/m/jiangsu/wuxinewdistrict/2018-06-05/content_18707796.htm")]
    [InlineData("http://subsites.chinadaily.com.cn/other/2020-11/06/c_1.htm", "http://subsites.chinadaily.com.cn/other/2020-11/06/c_1.htm")]
    [InlineData("http://www.wuxinews.com.cn:8080/2023-11/23/c_1.htm", "http://www.wuxinews.com.cn:8080/2023-11/23/c_1.htm")]
    [InlineData("http://bizwnd.gov.cn/2021-05/12/c_620847.htm", "http://bizwnd.gov.cn/2021-05/12/c_620847.htm")]
    [InlineData("https://www.wnd.gov.cn/doc/2023/05/22/3963395.shtml", "https://www.wnd.gov.cn/doc/2023/05/22/3963395.shtml")]
    public void A_url_is_archived_under_its_groups_canonical_host_with_its_own_scheme(string url, string canonical)
    {
        Assert.Equal(canonical, identity.Canonical(new Uri(url)));
        // The key forgets the scheme: http and https of a page are one page.
        Assert.Equal(canonical[(canonical.IndexOf("://", StringComparison.Ordinal) + 3)..], identity.Key(new Uri(url)));
    }

    [Fact]
    public void The_four_urls_of_an_article_are_one_key_and_each_others_spellings()
    {
        string[] four =
        [
            "http://en.wuxi.gov.cn/2023-11/23/c_941797.htm", "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm",
            "http://www.wuxinews.com.cn/2023-11/23/c_941797.htm", "https://www.wuxinews.com.cn/2023-11/23/c_941797.htm",
        ];
        Assert.Single(four.Select(u => identity.Key(new Uri(u))).Distinct());
        foreach (var url in four)
        {
            var spellings = identity.Spellings(url);
            Assert.Equal(url, spellings[0]);
            Assert.All(four, other => Assert.Contains(other, spellings));
            Assert.Contains("http://wuxinews.com.cn/2023-11/23/c_941797.htm", spellings);
        }
        Assert.Equal(["http://127.0.0.1:5000/a.htm", "https://127.0.0.1:5000/a.htm"], identity.Spellings("http://127.0.0.1:5000/a.htm").Order());
    }

    [Fact]
    public void Host_groups_are_data_of_the_rules_and_checked_when_they_load()
    {
        var rules = SiteCatalog.Parse("""
            { "site": "t.test", "hosts": ["a.test", "b.test"], "articleUrl": "^/a/\\d+\\.htm$",
              "hostAliases": [{ "canonical": "a.test", "aliases": ["b.test", "c.test/mirror"] }] }
            """, "test.json");
        var custom = new PageIdentity(new SiteCatalog(rules));
        Assert.Equal("https://a.test/a/1.htm", custom.Canonical(new Uri("https://c.test/mirror/a/1.htm")));
        Assert.Equal("http://a.test/a/1.htm", custom.Canonical(new Uri("http://b.test/a/1.htm")));
        Assert.NotEqual(custom.Description, PageIdentity.Default.Description);

        var twice = Assert.Throws<InvalidDataException>(() => SiteCatalog.Parse("""
            { "site": "t.test", "hosts": ["a.test"], "hostAliases": [{ "canonical": "a.test", "aliases": ["a.test"] }] }
            """, "twice.json"));
        Assert.Contains("more than one place", twice.Message);
        var url = Assert.Throws<InvalidDataException>(() => SiteCatalog.Parse("""
            { "site": "t.test", "hosts": ["a.test"], "hostAliases": [{ "canonical": "https://a.test", "aliases": [] }] }
            """, "url.json"));
        Assert.Contains("not a host", url.Message);
    }

    [Theory]
    [InlineData("""<head><link rel="canonical" href="https://en.wuxi.gov.cn/2023-11/23/c_941797.htm"></head>""", "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm")]
    [InlineData("""<HEAD><LINK HREF='/2023-11/23/c_941797.htm' REL='alternate canonical'/></HEAD>""", "/2023-11/23/c_941797.htm")]
    [InlineData("""<head><link rel=canonical href=https://en.wuxi.gov.cn/a.htm?x=1&amp;y=2></head>""", "https://en.wuxi.gov.cn/a.htm?x=1&y=2")]
    [InlineData("""<head><link rel="stylesheet" href="/s.css"></head>""", null)]
    [InlineData("""<head></head><body><link rel="canonical" href="/in-body.htm"></body>""", null)]
    public void The_canonical_link_is_read_from_the_head(string html, string? href) =>
        Assert.Equal(href, PageIdentity.FindCanonicalLink(Encoding.UTF8.GetBytes(html)));

    [Theory]
    // An article of the same family names the page: another host of it, a mirror's path on the portal's host.
    [InlineData("http://www.chinadaily.com.cn/m/jiangsu/wuxi/2015-01/22/content_23809679.htm", "https://en.wuxi.gov.cn/2015-01/22/content_23809679.htm", "https://en.wuxi.gov.cn/2015-01/22/content_23809679.htm")]
    [InlineData("http://en.wuxi.gov.cn/2023-11/23/c_941797.htm", "http://www.wuxinews.com.cn/2023-11/23/c_1.htm", "http://en.wuxi.gov.cn/2023-11/23/c_1.htm")]
    // Not believed: the home page or a list (templates that put one link on every page), a continuation page, another site.
    [InlineData("http://en.wuxi.gov.cn/2023-11/23/c_941797.htm", "https://en.wuxi.gov.cn/", null)]
    [InlineData("http://en.wuxi.gov.cn/2023-11/23/c_941797.htm", "/bizupdates.html", null)]
    [InlineData("http://en.wuxi.gov.cn/2023-11/23/c_941797.htm", "/2023-11/23/c_941797_2.htm", null)]
    [InlineData("http://en.wuxi.gov.cn/2023-11/23/c_941797.htm", "https://www.wndonline.cn/2023-11/23/c_941797.htm", null)]
    [InlineData("http://127.0.0.1:5000/2023-11/23/c_941797.htm", "http://127.0.0.1:5000/2023-11/23/c_1.htm", null)]
    public void Only_a_canonical_link_to_an_article_of_the_same_family_is_believed(string page, string href, string? expected) =>
        Assert.Equal(expected, identity.AcceptCanonicalLink(new Uri(page), href));

    private static PageCapture Import(Article article, string url, DateTimeOffset at, string boilerplate = "8.03K") =>
        Capture(article with { Url = url }, at, boilerplate, CaptureOrigin.Import);

    [Fact]
    public async Task An_article_stored_under_its_four_urls_is_one_page_with_three_aliases()
    {
        var article = WuxiArticle("http://en.wuxi.gov.cn/2023-11/23/c_941797.htm");
        await using (var store = await OpenAsync(Db))
        {
            // Four imports under the four URLs, each body a little different (the view counter): four captures, one revision.
            var first = await store.Captures.StorePageAsync(Import(article, "http://en.wuxi.gov.cn/2023-11/23/c_941797.htm", T0, "1K"), article);
            var second = await store.Captures.StorePageAsync(Import(article, "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm", T0.AddHours(1), "2K"), article);
            var third = await store.Captures.StorePageAsync(Import(article, "http://www.wuxinews.com.cn/2023-11/23/c_941797.htm", T0.AddHours(2), "3K"), article);
            var fourth = await store.Captures.StorePageAsync(Import(article, "https://www.wuxinews.com.cn/2023-11/23/c_941797.htm", T0.AddHours(3), "4K"), article);
            Assert.True(first.PageAdded);
            Assert.All(new[] { second, third, fourth }, r =>
            {
                Assert.Equal(first.PageId, r.PageId);
                Assert.False(r.PageAdded);
                Assert.True(r.CaptureAdded);
                Assert.False(r.RevisionAdded);
                Assert.Equal(1, r.RevisionNumber);
                Assert.Equal("http://en.wuxi.gov.cn/2023-11/23/c_941797.htm", r.Url);
            });
            Assert.Equal("https://www.wuxinews.com.cn/2023-11/23/c_941797.htm", fourth.Alias);

            // A differing article under an alias is the page's next revision.
            var corrected = article with { Title = "Wuxi hosts international innovation forum (corrected)" };
            var fifth = await store.Captures.StorePageAsync(Import(corrected, "https://www.wuxinews.com.cn/2023-11/23/c_941797.htm", T0.AddHours(4)), corrected);
            Assert.Equal((first.PageId, true, 2), (fifth.PageId, fifth.RevisionAdded, fifth.RevisionNumber!.Value));

            var aliases = await store.Pages.ListAliasesAsync(first.PageId);
            Assert.Equal(["https://en.wuxi.gov.cn/2023-11/23/c_941797.htm", "http://www.wuxinews.com.cn/2023-11/23/c_941797.htm",
                "https://www.wuxinews.com.cn/2023-11/23/c_941797.htm"], aliases.Select(a => a.Url));
            Assert.Equal([1, 1, 2], aliases.Select(a => a.Captures));
            // Any spelling finds it.
            foreach (var url in new[] { "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm", "http://wuxinews.com.cn/2023-11/23/c_941797.htm" })
                Assert.Equal(first.PageId, (await store.Reader.FindPageAsync(url))!.PageId);
            // Counted once everywhere.
            Assert.Single(await ToListAsync(store.Reader.ListPagesAsync()));
            Assert.Single(await store.Search.SearchAsync("corrected"));
            Assert.Equal(2, (await ToListAsync(store.Reader.ReadArticlesAsync(new PageFilter(AllRevisions: true)))).Count);
            Assert.Single(await store.Runs.ListChangesAsync(T0.AddDays(-1)));
            Assert.Equal(5, (await store.Reader.GetStatsAsync()).Captures);
        }
        // Each capture keeps the URL it came from (null: the page's own).
        Assert.Equal(2, Count(Db, "SELECT count(*) FROM captures WHERE url = 'https://www.wuxinews.com.cn/2023-11/23/c_941797.htm'"));
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM captures WHERE url IS NULL"));
        AssertIntegrity(Db);
    }

    [Fact]
    public async Task A_canonical_link_joins_a_mirrors_page_to_the_portals_and_merges_one_stored_apart()
    {
        var article = WuxiArticle("https://en.wuxi.gov.cn/2015-01/22/content_23809679.htm") with { Published = "2015-01-22" };
        const string mirror = "http://global.chinadaily.com.cn/m/jiangsu/wuxi/2015-01/22/content_23809679.htm";
        const string portal = "https://en.wuxi.gov.cn/2015-01/22/content_23809679.htm";
        await using (var store = await OpenAsync(Db))
        {
            // Stored apart first: no page says they are one.
            var onMirror = await store.Captures.StorePageAsync(Import(article, mirror, T0), article);
            var onPortal = await store.Captures.StorePageAsync(Import(article, portal, T0.AddHours(1), "2K"), article);
            Assert.NotEqual(onMirror.PageId, onPortal.PageId);
            Assert.Equal("http://www.chinadaily.com.cn/m/jiangsu/wuxi/2015-01/22/content_23809679.htm", onMirror.Url);

            // Then the mirror's page declares the portal's URL canonical: one page, both histories in it.
            var html = Encoding.UTF8.GetString(Html(article, "3K")).Replace("<head>", $"<head><link rel=\"canonical\" href=\"{portal}\">");
            var declared = await store.Captures.StorePageAsync(new PageCapture(new Uri(mirror), T0.AddHours(2), Encoding.UTF8.GetBytes(html), CaptureOrigin.Import), article);
            Assert.Equal(onPortal.PageId, declared.PageId);
            Assert.Equal(portal, declared.Url);
            Assert.Equal(3, (await store.Reader.GetStatsAsync()).Captures);
            Assert.Single(await ToListAsync(store.Reader.ListPagesAsync()));
            Assert.Contains(mirror, (await store.Pages.ListAliasesAsync(declared.PageId)).Select(a => a.Url));
            // The mirror's other hosts now find the portal's page too.
            Assert.Equal(onPortal.PageId, (await store.Reader.FindPageAsync("https://covid-19.chinadaily.com.cn/m/jiangsu/wuxi/2015-01/22/content_23809679.htm"))!.PageId);
            Assert.Single(await store.Reader.GetHistoryAsync(declared.PageId));
        }
        AssertIntegrity(Db);
    }

    [Fact]
    public async Task A_canonical_link_to_the_home_page_merges_nothing()
    {
        await using var store = await OpenAsync(Db);
        foreach (var (url, title) in new[] { ("http://en.wuxi.gov.cn/2023-11/23/c_1.htm", "One"), ("http://en.wuxi.gov.cn/2023-11/23/c_2.htm", "Two") })
        {
            var article = WuxiArticle(url) with { Title = title };
            var html = Encoding.UTF8.GetString(Html(article)).Replace("<head>", "<head><link rel=\"canonical\" href=\"http://en.wuxi.gov.cn/\">");
            await store.Captures.StorePageAsync(new PageCapture(new Uri(url), T0, Encoding.UTF8.GetBytes(html), CaptureOrigin.Fetch), article);
        }
        Assert.Equal(2, (await ToListAsync(store.Reader.ListPagesAsync())).Count);
    }

    [Fact]
    public async Task A_robots_txt_is_a_page_of_its_own_origin()
    {
        await using var store = await OpenAsync(Db);
        foreach (var url in new[] { "http://en.wuxi.gov.cn/robots.txt", "https://en.wuxi.gov.cn/robots.txt", "http://www.wuxinews.com.cn/robots.txt" })
            await store.Captures.StorePageAsync(new PageCapture(new Uri(url), T0, "User-agent: *\n"u8.ToArray(), CaptureOrigin.Fetch) { Kind = PageKind.Robots }, null);
        Assert.Equal(3, (await store.Reader.GetStatsAsync()).Pages);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }
}
