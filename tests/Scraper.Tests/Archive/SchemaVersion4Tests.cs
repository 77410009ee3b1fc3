using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Archive.Sqlite;
using Scraper.Crawling;
using Scraper.Extraction;
using Scraper.Tests.Support;

namespace Scraper.Tests.Archive;

/// <summary>
/// Schema version 4 (capture_requests, image_fetches: what the WARC export needs to replay captures; the revisions'
/// provenance and the runs' selector misses): a version-3 archive is upgraded in place, keeps its pages, and stores
/// requests and provenance from then on.
/// </summary>
public sealed class SchemaVersion4Tests
{
    [Fact]
    public async Task A_version_3_archive_is_upgraded_to_keep_requests_and_image_fetches()
    {
        using var folder = new TempFolder();
        var path = folder.File("archive.db");
        var article = ArchiveFixtures.WuxiArticle();
        await using (var store = await ArchiveFixtures.OpenAsync(path))
        {
            await store.Captures.StorePageAsync(ArchiveFixtures.Capture(article, ArchiveFixtures.T0), article);
            await store.Images.StoreImageAsync(article.Figures[0].Src, [1, 2, 3], "image/jpeg");
        }
        ArchiveFixtures.DowngradeToVersion3(path);

        var refused = await Assert.ThrowsAsync<ArchiveException>(() => ArchiveFixtures.OpenAsync(path, ArchiveAccess.ReadOnly));
        Assert.Equal(ArchiveFailure.OlderSchema, refused.Failure);
        const string request = "GET /2023-11/23/c_941797.htm HTTP/1.1\r\nHost: en.wuxi.gov.cn\r\nUser-Agent: test\r\n\r\n";
        await using (var store = await ArchiveFixtures.OpenAsync(path))
        {
            var pages = 0;
            await foreach (var _ in store.Reader.ListPagesAsync()) pages++;
            Assert.Equal(1, pages);
            var stored = await store.Captures.StorePageAsync(ArchiveFixtures.Capture(article, ArchiveFixtures.T0.AddHours(1)) with { RequestHead = request }, article);
            await store.Captures.StoreNotModifiedAsync(new Uri(article.Url!), ArchiveFixtures.T0.AddHours(2), null, null, null, requestHead: request.Replace("\r\n\r\n", "\r\nIf-None-Match: \"1\"\r\n\r\n"));
            await store.Images.StoreImageAsync(article.Figures[1].Src, [4, 5], "image/png", CancellationToken.None,
                new ImageFetch(ArchiveFixtures.T0.AddHours(3), 200, "GET /x.png HTTP/1.1\r\nHost: en.wuxi.gov.cn\r\n\r\n"));
            Assert.True(stored.CaptureAdded);
        }

        using var reference = new SqliteConnection("Data Source=:memory:");
        reference.Open();
        using (var apply = reference.CreateCommand())
        {
            apply.CommandText = ArchiveSchema.Sql;
            apply.ExecuteNonQuery();
        }
        using var archive = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        archive.Open();
        Assert.Equal(ArchiveFixtures.SchemaOf(reference), ArchiveFixtures.SchemaOf(archive));
        Assert.Equal((long)ArchiveSchema.Version, ArchiveFixtures.Count(path, "PRAGMA user_version"));
        // The capture made before the upgrade has no request; the fetch and the 304 after it have theirs, as sent.
        Assert.Equal(2L, ArchiveFixtures.Count(path, "SELECT count(*) FROM capture_requests"));
        Assert.Equal(1L, ArchiveFixtures.Count(path, "SELECT count(*) FROM capture_requests WHERE request LIKE '%If-None-Match: \"1\"%'"));
        Assert.Equal(1L, ArchiveFixtures.Count(path, "SELECT count(*) FROM image_fetches WHERE http_status = 200 AND content_type = 'image/png'"));
        ArchiveFixtures.AssertIntegrity(path);
    }

    [Fact]
    public async Task A_version_3_archive_is_upgraded_in_place_and_its_revisions_and_runs_read_as_before()
    {
        using var folder = new TempFolder();
        var path = folder.File("archive.db");
        var article = ArchiveFixtures.WuxiArticle();
        long runId;
        await using (var store = await ArchiveFixtures.OpenAsync(path))
        {
            await store.Captures.StorePageAsync(ArchiveFixtures.Capture(article, DateTimeOffset.UnixEpoch), article);
            runId = (await store.Frontier.BeginCrawlAsync()).RunId;
            await store.Frontier.EndRunAsync(runId, "ok");
        }
        ArchiveFixtures.DowngradeToVersion3(path);

        await using (var store = await ArchiveFixtures.OpenAsync(path))
        {
            // What version 3 stored reads as before, with nothing known of its provenance.
            var old = (await store.Reader.GetArticleAsync(1))!.Article;
            Assert.Equal(article.Paragraphs, old.Paragraphs);
            Assert.Null(old.PublishedFrom);
            Assert.Equal(FieldProvenance.None, old.Provenance);
            Assert.Equal(0, (await store.Runs.GetRunAsync(runId))!.Counts.SelectorMisses);

            // What version 4 stores is kept whole.
            var changed = article with
            {
                Title = "Wuxi holds international trade fair",
                PublishedFrom = "page",
                Provenance = new FieldProvenance { Title = "anatomy", Published = "selector", Body = "generic" },
            };
            await store.Captures.StorePageAsync(ArchiveFixtures.Capture(changed, DateTimeOffset.UnixEpoch.AddDays(1)), changed);
            var stored = (await store.Reader.GetArticleAsync(1))!.Article;
            Assert.Equal("page", stored.PublishedFrom);
            Assert.Equal(changed.Provenance, stored.Provenance);
        }
        ArchiveFixtures.AssertIntegrity(path);
    }

}
