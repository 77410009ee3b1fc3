using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Archive.Sqlite;
using Scraper.Tests.Support;

namespace Scraper.Tests.Archive;

/// <summary>
/// Schema version 4: what a page is (article, section list, robots.txt). List pages and robots.txt are kept as captures
/// and never become articles, whatever an extractor makes of them.
/// </summary>
public sealed class PageKindTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string Db => _folder.File("archive.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    [Fact]
    public async Task A_version_3_archive_is_upgraded_and_its_pages_are_article_pages()
    {
        var article = ArchiveFixtures.WuxiArticle();
        await using (var store = await ArchiveFixtures.OpenAsync(Db))
            await store.Captures.StorePageAsync(ArchiveFixtures.Capture(article, ArchiveFixtures.T0), article);
        ArchiveFixtures.DowngradeToVersion3(Db);

        await using (var store = await ArchiveFixtures.OpenAsync(Db))
        {
            Assert.Single(await store.Search.SearchAsync("forum"));
            // A list page stored after the upgrade is a list page.
            var body = ArchiveFixtures.Html(article);
            var list = new PageCapture(new Uri("http://en.wuxi.gov.cn/bizupdates.html"), ArchiveFixtures.T0.AddHours(1), body, CaptureOrigin.Fetch)
            {
                HttpStatus = 200,
                Kind = PageKind.List,
            };
            await store.Captures.StorePageAsync(list, article);
        }
        Assert.Equal((long)ArchiveSchema.Version, Scalar("PRAGMA user_version"));
        Assert.Equal("article", Scalar("SELECT kind FROM pages WHERE url LIKE '%c_941797.htm'"));
        Assert.Equal("list", Scalar("SELECT kind FROM pages WHERE url LIKE '%bizupdates.html'"));
        ArchiveFixtures.AssertIntegrity(Db);
    }

    [Fact]
    public async Task A_list_page_capture_never_gets_an_article_even_through_reextract()
    {
        var article = ArchiveFixtures.WuxiArticle("http://en.wuxi.gov.cn/bizupdates.html");
        await using (var store = await ArchiveFixtures.OpenAsync(Db))
        {
            var list = ArchiveFixtures.Capture(article, ArchiveFixtures.T0) with { Kind = PageKind.List };
            var stored = await store.Captures.StorePageAsync(list, article);
            Assert.Null(stored.RevisionNumber);
            Assert.True(stored.CaptureAdded);
            // reextract does not read list pages; and an extractor that reads one as an article (a drifted template) is
            // not listened to.
            Assert.Empty(await store.Reader.ListCapturesAsync());
            var captureId = (long)Scalar("SELECT id FROM captures")!;
            var reextracted = await store.Captures.ApplyExtractionAsync(captureId, article);
            Assert.Null(reextracted.RevisionNumber);
            var stats = await store.Reader.GetStatsAsync();
            Assert.Equal(0, stats.ArticlePages);
            Assert.Empty(await store.Search.SearchAsync("forum"));
        }
        Assert.Equal(0L, Scalar("SELECT count(*) FROM revisions"));
        Assert.Equal(1L, Scalar("SELECT count(*) FROM captures"));
    }
}
