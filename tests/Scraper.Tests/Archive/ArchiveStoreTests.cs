using Scraper.Archive;
using Scraper.Extraction;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;

namespace Scraper.Tests.Archive;

public class ArchiveStoreTests : IDisposable
{
    private readonly TempFolder folder = new();
    private string Db => folder.File("archive.db");

    public void Dispose()
    {
        AssertIntegrity(Db);
        folder.Dispose();
    }

    [Fact]
    public async Task An_article_round_trips_with_every_field()
    {
        var article = WuxiArticle() with { Subtitle = "Deals worth billions", Pages = 2 };
        await using (var store = await OpenAsync(Db))
        {
            var result = await store.Captures.StorePageAsync(Capture(article, T0), article);
            Assert.True(result.PageAdded && result.CaptureAdded && result.BodyAdded && result.RevisionAdded);
            Assert.Equal(1, result.RevisionNumber);
            Assert.Equal("http://en.wuxi.gov.cn/2023-11/23/c_941797.htm", result.Url);
        }

        await using var reader = await OpenAsync(Db, ArchiveAccess.ReadOnly);
        var page = await reader.Reader.FindPageAsync("HTTP://en.wuxi.gov.cn:80/2023-11/23/c_941797.htm?utm_source=x");
        Assert.NotNull(page);
        var stored = await reader.Reader.GetArticleAsync(page.PageId);
        Assert.NotNull(stored);
        AssertSameArticle(article, stored.Article);
        Assert.Equal(1, stored.Revision);
        Assert.Equal(ArticleContentHash.Compute(article), stored.ContentSha256);
        Assert.Equal(T0, stored.CapturedAt);
        Assert.Equal(T0, stored.FirstSeen);
        Assert.Equal(T0, stored.LastChanged);
        Assert.True(stored.IsLatest);

        var body = await reader.Reader.LoadLatestBodyAsync(new Uri(article.Url!));
        Assert.NotNull(body);
        Assert.Equal(Html(article), body.Value.Body);
        Assert.Equal("text/html; charset=utf-8", body.Value.ContentType);
        var validators = await reader.Reader.GetValidatorsAsync(new Uri(article.Url!));
        Assert.Equal(Capture(article, T0).ETag, validators!.ETag);
    }

    [Fact]
    public async Task Importing_the_same_page_again_records_nothing_new()
    {
        var article = WuxiArticle();
        await using var store = await OpenAsync(Db);
        await store.Captures.StorePageAsync(Capture(article, T0, origin: CaptureOrigin.Import), article);
        var again = await store.Captures.StorePageAsync(Capture(article, T0.AddDays(1), origin: CaptureOrigin.Import), article);
        Assert.False(again.PageAdded || again.CaptureAdded || again.BodyAdded || again.RevisionAdded);
        Assert.Equal(1, again.RevisionNumber);
        await store.DisposeAsync();

        Assert.Equal(1, Count(Db, "SELECT count(*) FROM pages"));
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM captures"));
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM bodies"));
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM revisions"));
    }

    [Fact]
    public async Task Fetching_the_same_page_again_is_one_more_capture_of_the_body_already_stored()
    {
        var article = WuxiArticle();
        await using var store = await OpenAsync(Db);
        await store.Captures.StorePageAsync(Capture(article, T0), article);
        var again = await store.Captures.StorePageAsync(Capture(article, T0.AddDays(1)), article);
        Assert.True(again.CaptureAdded);
        Assert.False(again.PageAdded || again.BodyAdded || again.RevisionAdded);
        Assert.Equal(1, again.RevisionNumber);
        var latest = await store.Reader.GetArticleAsync(again.PageId);
        // The content was first seen at T0 and has not changed since.
        Assert.Equal(T0, latest!.LastChanged);
        await store.DisposeAsync();

        Assert.Equal(2, Count(Db, "SELECT count(*) FROM captures"));
        Assert.Equal(1, Count(Db, "SELECT count(DISTINCT body_sha256) FROM captures"));
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM bodies"));
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM revisions"));
    }

    [Fact]
    public async Task A_304_is_a_capture_confirming_the_newest_body_and_keeps_the_validators()
    {
        var article = WuxiArticle();
        await using var store = await OpenAsync(Db);
        var first = await store.Captures.StorePageAsync(Capture(article, T0), article);
        var validators = await store.Reader.GetValidatorsAsync(new Uri(article.Url!));
        var confirmed = await store.Captures.StoreNotModifiedAsync(new Uri(article.Url!), T0.AddDays(3), etag: null, lastModified: null, runId: null);
        Assert.Equal(first.PageId, confirmed.PageId);
        Assert.Equal(1, confirmed.RevisionNumber);
        Assert.False(confirmed.RevisionAdded || confirmed.BodyAdded);
        // A 304 that leaves out its validators keeps the earlier ones for the next conditional GET.
        Assert.Equal(validators, await store.Reader.GetValidatorsAsync(new Uri(article.Url!)));
        await store.Captures.StoreNotModifiedAsync(new Uri(article.Url!), T0.AddDays(4), etag: "\"v2\"", lastModified: null, runId: null);
        Assert.Equal("\"v2\"", (await store.Reader.GetValidatorsAsync(new Uri(article.Url!)))!.ETag);
        Assert.Equal(T0, (await store.Reader.GetArticleAsync(first.PageId))!.LastChanged);
        await Assert.ThrowsAsync<ArchiveException>(() =>
            store.Captures.StoreNotModifiedAsync(new Uri("https://en.wuxi.gov.cn/never-seen.htm"), T0, null, null, null));
        await store.DisposeAsync();

        Assert.Equal(3, Count(Db, "SELECT count(*) FROM captures"));
        Assert.Equal(2, Count(Db, "SELECT count(*) FROM captures WHERE http_status = 304"));
        Assert.Equal(1, Count(Db, "SELECT count(DISTINCT body_sha256) FROM captures"));
        Assert.Equal(1, Count(Db, "SELECT count(DISTINCT revision_id) FROM captures"));
        Assert.Equal(1, Count(Db, $"SELECT count(*) FROM pages WHERE last_checked_at = '{ArchiveTime.Format(T0.AddDays(4))}'"));
    }

    [Fact]
    public async Task A_boilerplate_only_change_adds_a_capture_but_no_revision()
    {
        var article = WuxiArticle();
        await using var store = await OpenAsync(Db);
        await store.Captures.StorePageAsync(Capture(article, T0, boilerplate: "8.03K"), article);
        // Same article, the view counter moved: the extractor returns an equal article from a different body.
        var result = await store.Captures.StorePageAsync(Capture(article, T0.AddHours(6), boilerplate: "8.41K"), article with { Extractor = "site:en.wuxi.gov.cn" });
        Assert.True(result.CaptureAdded);
        Assert.True(result.BodyAdded);
        Assert.False(result.RevisionAdded);
        Assert.Equal(1, result.RevisionNumber);

        var history = await store.Reader.GetHistoryAsync(result.PageId);
        var only = Assert.Single(history);
        Assert.Equal(2, only.Captures);
        var latest = await store.Reader.GetArticleAsync(result.PageId);
        Assert.Equal(T0, latest!.LastChanged);
        await store.DisposeAsync();
        Assert.Equal(2, Count(Db, "SELECT count(*) FROM captures"));
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM revisions"));
    }

    [Fact]
    public async Task A_content_change_adds_exactly_one_revision_and_updates_search()
    {
        var first = WuxiArticle();
        var second = first with { Paragraphs = [.. first.Paragraphs, "Correction: the forum was held in Xinwu district."] };
        await using var store = await OpenAsync(Db);
        await store.Captures.StorePageAsync(Capture(first, T0), first);
        var result = await store.Captures.StorePageAsync(Capture(second, T0.AddDays(2)), second);
        Assert.True(result.RevisionAdded);
        Assert.Equal(2, result.RevisionNumber);
        // Seeing the new content again adds a capture of it, and no revision.
        var repeat = await store.Captures.StorePageAsync(Capture(second, T0.AddDays(3)), second);
        Assert.False(repeat.BodyAdded || repeat.RevisionAdded);

        var history = await store.Reader.GetHistoryAsync(result.PageId);
        Assert.Equal([1, 2], history.Select(h => h.Number));
        Assert.Equal([T0, T0.AddDays(2)], history.Select(h => h.FirstSeen));
        Assert.Equal([false, true], history.Select(h => h.IsLatest));
        Assert.Equal(ArticleContentHash.Compute(second), history[1].ContentSha256);

        var old = await store.Reader.GetArticleAsync(result.PageId, revision: 1);
        AssertSameArticle(first, old!.Article);
        Assert.False(old.IsLatest);
        var latest = await store.Reader.GetArticleAsync(result.PageId);
        AssertSameArticle(second, latest!.Article);
        Assert.Equal(T0.AddDays(2), latest.LastChanged);
        Assert.Equal(T0, latest.FirstSeen);

        var hits = await store.Search.SearchAsync("Xinwu");
        Assert.Equal(result.PageId, Assert.Single(hits).PageId);
        Assert.Contains("**Xinwu**", hits[0].Snippet);
        await store.DisposeAsync();
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM search_index"));
    }

    [Fact]
    public async Task A_prepared_page_is_stored_exactly_as_the_same_page_stored_unprepared()
    {
        var first = WuxiArticle();
        var second = first with { Paragraphs = [.. first.Paragraphs, "Correction: the forum was held in Xinwu district."] };
        var other = WuxiArticle("http://www.wuxinews.com.cn/2023-11/23/c_1.htm");
        // A new page, a changed page, the same content again, an older capture stored late, a body another page has.
        var steps = new[]
        {
            (Capture(first, T0), first), (Capture(second, T0.AddDays(2)), second), (Capture(second, T0.AddDays(3), boilerplate: "9K"), second),
            (Capture(first, T0.AddDays(-1)), first), (Capture(other, T0) with { Body = Html(first) }, other),
        };
        var unprepared = folder.File("unprepared.db");
        var expected = new List<StoreResult>();
        var actual = new List<StoreResult>();
        await using (var store = await OpenAsync(unprepared))
            foreach (var (capture, article) in steps)
                expected.Add(await store.Captures.StorePageAsync(capture, article));
        await using (var store = await OpenAsync(Db))
            foreach (var (capture, article) in steps)
                actual.Add(await store.Captures.StorePreparedAsync(capture, CaptureWriter.Prepare(capture.Body, article)));

        Assert.Equal(expected, actual);
        foreach (var sql in new[]
        {
            "SELECT id, url, site, first_seen, last_checked_at, continuation_of, latest_revision_id, last_changed_at FROM pages ORDER BY id",
            "SELECT id, page_id, captured_at, body_sha256, revision_id FROM captures ORDER BY id",
            "SELECT id, page_id, number, content_sha256, capture_id, first_seen, title, paragraphs FROM revisions ORDER BY id",
            "SELECT sha256, size, compression, hex(data) FROM bodies ORDER BY sha256",
            "SELECT rowid, title, text FROM search_index ORDER BY rowid",
        })
            Assert.Equal(Rows(unprepared, sql), Rows(Db, sql));
        await using var reader = await OpenAsync(Db, ArchiveAccess.ReadOnly);
        Assert.Single(await reader.Search.SearchAsync("Xinwu"));
        AssertIntegrity(unprepared);
    }

    [Fact]
    public async Task A_page_prepared_from_another_body_is_refused_and_nothing_is_stored()
    {
        var article = WuxiArticle();
        await using var store = await OpenAsync(Db);
        var prepared = CaptureWriter.Prepare(Html(article, boilerplate: "9K"), article);
        await Assert.ThrowsAsync<ArgumentException>(() => store.Captures.StorePreparedAsync(Capture(article, T0), prepared));
        Assert.Equal(0, (await store.Reader.GetStatsAsync()).Captures);
    }

    private static List<string> Rows(string dbPath, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dbPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : reader.GetValue(i).ToString())));
        return rows;
    }

    [Fact]
    public async Task Content_reverting_to_an_earlier_revision_makes_it_current_again_without_a_new_revision()
    {
        var a = WuxiArticle();
        var b = a with { Title = "Wuxi hosts international innovation forum (updated)" };
        await using var store = await OpenAsync(Db);
        await store.Captures.StorePageAsync(Capture(a, T0), a);
        await store.Captures.StorePageAsync(Capture(b, T0.AddDays(1)), b);
        var back = await store.Captures.StorePageAsync(Capture(a, T0.AddDays(2), boilerplate: "9K"), a);
        Assert.False(back.RevisionAdded);
        Assert.Equal(1, back.RevisionNumber);
        var latest = await store.Reader.GetArticleAsync(back.PageId);
        Assert.Equal(1, latest!.Revision);
        Assert.Equal(T0.AddDays(2), latest.LastChanged);
        Assert.Empty(await store.Search.SearchAsync("updated"));
        Assert.Single(await store.Search.SearchAsync("innovation"));
    }

    [Fact]
    public async Task Identical_bodies_are_stored_once_across_pages()
    {
        // Two pages (bizwnd.gov.cn is no mirror of en.wuxi.gov.cn, as www.wuxinews.com.cn is: see PageIdentityTests).
        var a = WuxiArticle("http://en.wuxi.gov.cn/2023-11/23/c_1.htm");
        var b = a with { Url = "http://bizwnd.gov.cn/2023-11/23/c_1.htm" };
        await using var store = await OpenAsync(Db);
        var first = await store.Captures.StorePageAsync(Capture(a, T0), a);
        var second = await store.Captures.StorePageAsync(Capture(b, T0), b);
        Assert.True(first.BodyAdded);
        Assert.True(second.PageAdded && second.CaptureAdded && !second.BodyAdded);
        var stats = await store.Reader.GetStatsAsync();
        Assert.Equal(2, stats.Pages);
        Assert.Equal(2, stats.Captures);
        Assert.Equal(1, stats.Bodies);
        Assert.True(stats.StoredBodyBytes < stats.BodyBytes);
    }

    [Fact]
    public async Task A_capture_without_an_article_is_kept_without_a_revision()
    {
        var listPage = new PageCapture(new Uri("http://en.wuxi.gov.cn/bizupdates_18.html"), T0, "<html>list</html>"u8.ToArray(), CaptureOrigin.Fetch);
        await using var store = await OpenAsync(Db);
        var result = await store.Captures.StorePageAsync(listPage, null);
        Assert.True(result.CaptureAdded);
        Assert.Null(result.RevisionNumber);
        var page = await store.Reader.FindPageAsync(result.Url);
        Assert.False(page!.HasArticle);
        Assert.Null(await store.Reader.GetArticleAsync(result.PageId));
        Assert.Empty(await ToListAsync(store.Reader.ListPagesAsync()));
    }

    [Fact]
    public async Task Continuation_pages_are_captured_and_flagged_but_get_no_revision()
    {
        var first = WuxiArticle("http://en.wuxi.gov.cn/2019-06/04/content_37477000.htm") with { Pages = 2 };
        var second = first with { Url = "http://en.wuxi.gov.cn/2019-06/04/content_37477000_2.htm", Paragraphs = ["Page two text."] };
        await using var store = await OpenAsync(Db);
        // Page 2 may be stored before page 1.
        var continuation = await store.Captures.StorePageAsync(Capture(second, T0) with { ContinuationOf = new Uri(first.Url!) }, second);
        Assert.True(continuation.CaptureAdded);
        Assert.Null(continuation.RevisionNumber);
        await store.Captures.StorePageAsync(Capture(first, T0), first);

        var page2 = await store.Reader.FindPageAsync(second.Url!);
        Assert.Equal(first.Url, page2!.ContinuationOf);
        Assert.False(page2.HasArticle);
        var pages = await ToListAsync(store.Reader.ListPagesAsync());
        Assert.Equal(first.Url, Assert.Single(pages).Url);
        var stats = await store.Reader.GetStatsAsync();
        Assert.Equal(1, stats.ContinuationPages);
        Assert.Equal(2, stats.Captures);
    }

    [Fact]
    public async Task Reextract_adds_a_revision_only_where_the_article_changed()
    {
        var changed = WuxiArticle("http://en.wuxi.gov.cn/2023-11/23/c_1.htm");
        var same = WuxiArticle("http://en.wuxi.gov.cn/2023-11/23/c_2.htm");
        await using var store = await OpenAsync(Db);
        await store.Captures.StorePageAsync(Capture(changed, T0), changed with { Extractor = "generic", Title = "Home > Latest Wuxi hosts international innovation forum" });
        await store.Captures.StorePageAsync(Capture(same, T0), same);

        // A better extractor now cleans the first title; the second page comes out the same.
        var results = new List<ReextractResult>();
        foreach (var capture in await store.Reader.ListCapturesAsync())
        {
            var article = capture.Url == changed.Url ? changed : same with { Extractor = "site:en.wuxi.gov.cn" };
            Assert.Equal(Html(capture.Url == changed.Url ? changed : same), await store.Reader.LoadBodyAsync(capture.CaptureId));
            results.Add(await store.Captures.ApplyExtractionAsync(capture.CaptureId, article));
        }
        Assert.Equal([true, false], results.Select(r => r.RevisionAdded));
        Assert.Equal([true, false], results.Select(r => r.LatestChanged));

        var page = await store.Reader.FindPageAsync(changed.Url!);
        var history = await store.Reader.GetHistoryAsync(page!.PageId);
        Assert.Equal(["generic", "site:en.wuxi.gov.cn"], history.Select(h => h.Extractor));
        Assert.Equal([0, 1], history.Select(h => h.Captures));
        // The re-extracted revision's content dates from the capture, not from the re-extraction.
        Assert.Equal(T0, history[1].FirstSeen);
        var latest = await store.Reader.GetArticleAsync(page.PageId);
        Assert.Equal(changed.Title, latest!.Article.Title);
        var forumHits = await store.Search.SearchAsync("\"innovation forum\"");
        Assert.Equal(changed.Title, forumHits.Single(h => h.PageId == page.PageId).Title);

        // Running it again changes nothing.
        foreach (var capture in await store.Reader.ListCapturesAsync())
            Assert.False((await store.Captures.ApplyExtractionAsync(capture.CaptureId, capture.Url == changed.Url ? changed : same)).RevisionAdded);
        await store.DisposeAsync();
        Assert.Equal(3, Count(Db, "SELECT count(*) FROM revisions"));
    }

    [Theory]
    [InlineData("forum")]
    [InlineData("\"innovation forum\"")]
    [InlineData("forum NOT correction")]
    [InlineData("title:forum")]
    [InlineData("innov*")]
    [InlineData("无锡")]
    public async Task Search_accepts_fts5_syntax(string query)
    {
        var article = WuxiArticle();
        await using var store = await OpenAsync(Db);
        await store.Captures.StorePageAsync(Capture(article, T0), article);
        var hit = Assert.Single(await store.Search.SearchAsync(query));
        Assert.Equal(article.Url, hit.Url);
        Assert.Equal(article.Title, hit.Title);
    }

    [Theory]
    [InlineData("\"unbalanced", 0)]
    [InlineData("forum AND", 1)]
    [InlineData("Wuxi, Jiangsu", 1)]
    [InlineData("12 bliion.", 1)]
    [InlineData("nosuchcolumn:forum", 0)]
    [InlineData("account: xinwu_wx", 0)]
    [InlineData("'; DROP TABLE pages; --", 0)]
    [InlineData("forum) OR (1=1", 0)]
    [InlineData("*", 0)]
    public async Task Queries_fts5_rejects_are_searched_as_plain_words_and_never_run_as_sql(string query, int hits)
    {
        var article = WuxiArticle();
        await using var store = await OpenAsync(Db);
        await store.Captures.StorePageAsync(Capture(article, T0), article);
        Assert.Equal(hits, (await store.Search.SearchAsync(query)).Count);
        Assert.Equal(1, (await store.Reader.GetStatsAsync()).Pages);
        Assert.Empty(await store.CheckIntegrityAsync());
    }

    [Theory]
    [InlineData(1, 20_000)]
    [InlineData(3, 4)] // the thirty pages scored in three id ranges at once, on three connections
    public async Task Search_ranks_as_the_schema_rank_setting_does_within_the_limit_and_the_site(int parallelism, int pagesPerPartition)
    {
        // Thirty articles, each with its own mix of "forum" in title and text and its own length, on two sites.
        await using (var store = await OpenAsync(Db))
        {
            for (var i = 0; i < 30; i++)
            {
                var url = i % 2 == 0 ? $"http://en.wuxi.gov.cn/2024-01/01/c_{i}.htm" : $"http://www.wndonline.cn/2024-01/01/c_{i}.htm";
                var article = WuxiArticle(url) with
                {
                    Site = i % 2 == 0 ? "en.wuxi.gov.cn" : "wnd.gov.cn",
                    Title = i % 3 == 0 ? $"Forum number {i}" : $"Meeting number {i}",
                    Paragraphs = [string.Join(' ', Enumerable.Repeat("forum", i % 7).Concat(Enumerable.Repeat("words", 5 + i)))],
                };
                await store.Captures.StorePageAsync(Capture(article, T0.AddMinutes(i)), article);
            }
        }

        await using var reader = await ArchiveStore.OpenAsync(Db, ArchiveAccess.ReadOnly,
            new ArchiveOptions(SearchParallelism: parallelism, PagesPerSearchPartition: pagesPerPartition));
        var best = await reader.Search.SearchAsync("forum", limit: 7);
        Assert.Equal(7, best.Count);
        Assert.Equal(Rowids("SELECT rowid FROM search_index WHERE search_index MATCH 'forum' ORDER BY rank LIMIT 7"), best.Select(h => h.PageId));
        Assert.All(best, hit => Assert.Contains("**forum**", hit.Snippet, StringComparison.OrdinalIgnoreCase));
        Assert.True(best.Zip(best.Skip(1)).All(pair => pair.First.Score <= pair.Second.Score));

        var wnd = await reader.Search.SearchAsync("forum", limit: 4, site: "wnd.gov.cn");
        Assert.Equal(Rowids(
            """
            SELECT s.rowid FROM search_index s JOIN pages p ON p.id = s.rowid
            WHERE search_index MATCH 'forum' AND p.site = 'wnd.gov.cn' ORDER BY s.rank LIMIT 4
            """), wnd.Select(h => h.PageId));
        Assert.Equal(4, wnd.Count);
        Assert.All(wnd, hit => Assert.StartsWith("http://www.wndonline.cn/", hit.Url));
        // A query FTS5 rejects fails in every range and is searched again as plain words.
        var retried = await reader.Search.SearchAsync("forum)", limit: 7);
        Assert.Equal(7, retried.Count);
        Assert.Equal(Rowids("SELECT rowid FROM search_index WHERE search_index MATCH '\"forum)\"' ORDER BY rank LIMIT 7"), retried.Select(h => h.PageId));

        List<long> Rowids(string sql) => [.. Rows(Db, sql).Select(long.Parse)];
    }

    [Fact]
    public async Task Stored_pages_reach_the_search_index_in_batches_after_a_delay_and_on_close()
    {
        // Counted through the index itself: a plain count of an external-content table counts its content.
        const string Indexed = "SELECT count(*) FROM search_index WHERE search_index MATCH 'report'";
        var clock = new SteppedClock();
        var store = await ArchiveStore.OpenAsync(Db, ArchiveAccess.ReadWrite, new ArchiveOptions(Clock: clock));
        try
        {
            for (var i = 0; i < ArchiveSearch.SearchIndexBatch - 1; i++)
                await StoreNumbered(store, i);
            Assert.Equal(ArchiveSearch.SearchIndexBatch - 1, Count(Db, "SELECT count(*) FROM search_queue"));
            Assert.Equal(0, Count(Db, Indexed));
            await StoreNumbered(store, ArchiveSearch.SearchIndexBatch - 1);
            Assert.Equal(0, Count(Db, "SELECT count(*) FROM search_queue"));
            Assert.Equal(ArchiveSearch.SearchIndexBatch, Count(Db, Indexed));

            // Fewer pages, but the first has waited long enough by the time another is stored.
            await StoreNumbered(store, 1000);
            clock.Advance(ArchiveSearch.SearchIndexDelay);
            Assert.Equal(1, Count(Db, "SELECT count(*) FROM search_queue"));
            await StoreNumbered(store, 1001);
            Assert.Equal(0, Count(Db, "SELECT count(*) FROM search_queue"));

            // A changed page waits with the text the index holds for it, and a search through the writer sees it at once.
            var changed = WuxiArticle("http://en.wuxi.gov.cn/2024-01/01/c_1000.htm") with { Title = "Renamed report" };
            await store.Captures.StorePageAsync(Capture(changed, T0.AddDays(1)), changed);
            Assert.Equal(1, Count(Db, "SELECT count(*) FROM search_queue WHERE indexed_revision_id IS NOT NULL"));
            Assert.Single(await store.Search.SearchAsync("renamed"));
            Assert.Equal(0, Count(Db, "SELECT count(*) FROM search_queue"));

            await StoreNumbered(store, 2000);
            await store.DisposeAsync();
            Assert.Equal(0, Count(Db, "SELECT count(*) FROM search_queue"));
            Assert.Equal(ArchiveSearch.SearchIndexBatch + 3, Count(Db, Indexed));
        }
        finally
        {
            await store.DisposeAsync();
        }

        static Task StoreNumbered(ArchiveStore store, int i)
        {
            var article = WuxiArticle($"http://en.wuxi.gov.cn/2024-01/01/c_{i}.htm") with { Title = $"Report number {i}" };
            return store.Captures.StorePageAsync(Capture(article, T0), article);
        }
    }

    [Fact]
    public async Task A_queue_a_writer_has_not_indexed_is_indexed_by_the_next_writer_to_open_the_archive()
    {
        var first = WuxiArticle("http://en.wuxi.gov.cn/2024-01/01/c_1.htm");
        var second = WuxiArticle("http://en.wuxi.gov.cn/2024-01/01/c_2.htm") with { Title = "Second report" };
        await using var writer = await OpenAsync(Db);
        await writer.Captures.StorePageAsync(Capture(first, T0), first);
        await writer.Captures.StorePageAsync(Capture(second, T0), second);

        // Another process reading meanwhile sees the pages but not yet in the index.
        await using var reader = await OpenAsync(Db, ArchiveAccess.ReadOnly);
        Assert.Equal(2, (await reader.Reader.GetStatsAsync()).Pages);
        Assert.Empty(await reader.Search.SearchAsync("forum"));

        // As if the writer had been killed: the next writer takes its queue in.
        await using (var next = await OpenAsync(Db))
            Assert.Equal(0, Count(Db, "SELECT count(*) FROM search_queue"));
        Assert.Equal(2, (await reader.Search.SearchAsync("forum")).Count);
        Assert.Single(await reader.Search.SearchAsync("second"));
    }

    /// <summary>A clock that moves only when told to.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long ticks;
        public void Advance(TimeSpan by) => ticks += by.Ticks;
        public override long GetTimestamp() => ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override DateTimeOffset GetUtcNow() => T0 + TimeSpan.FromTicks(ticks);
    }

    [Theory]
    [InlineData(false, 1)] // NORMAL: durable at run end and on close
    [InlineData(true, 2)]  // FULL: durable at every commit
    public async Task Commits_are_synced_as_the_options_say_and_a_closed_store_leaves_nothing_unsynced_behind(bool durable, long synchronous)
    {
        var article = WuxiArticle();
        var store = await ArchiveStore.OpenAsync(Db, ArchiveAccess.ReadWrite, new ArchiveOptions(DurableCommits: durable));
        await using (store)
        {
            using var pragma = store.Connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous";
            Assert.Equal(synchronous, (long)pragma.ExecuteScalar()!);
            await store.Captures.StorePageAsync(Capture(article, T0), article);
            store.MakeDurable();
        }
        // SQLite checkpoints the WAL into the file when its last connection closes.
        Assert.False(File.Exists(Db + "-wal") && new FileInfo(Db + "-wal").Length > 0);
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM revisions"));
    }

    [Fact]
    public async Task An_empty_query_is_refused()
    {
        await using var store = await OpenAsync(Db);
        var error = await Assert.ThrowsAsync<ArchiveException>(() => store.Search.SearchAsync("  "));
        Assert.Equal(ArchiveFailure.InvalidQuery, error.Failure);
    }

    [Theory]
    [InlineData("\"'; DROP TABLE pages; --\"")]
    [InlineData("\"O'Brien\"")]
    public async Task Quoted_sql_fragments_are_just_words(string query)
    {
        var article = WuxiArticle() with { Paragraphs = ["O'Brien wrote: '; DROP TABLE pages; -- and nothing happened."] };
        await using var store = await OpenAsync(Db);
        await store.Captures.StorePageAsync(Capture(article, T0), article);
        Assert.Single(await store.Search.SearchAsync(query));
        Assert.Equal(1, (await store.Reader.GetStatsAsync()).Pages);
    }

    [Fact]
    public async Task List_filters_by_site_and_change_time_and_read_articles_streams_revisions()
    {
        var wuxi = WuxiArticle();
        var wnd = WuxiArticle("http://www.wndonline.cn/2022-03/10/c_773019.htm") with { Site = "wnd.gov.cn", Extractor = "site:wnd.gov.cn" };
        var wnd2 = wnd with { Byline = "By Zhang" };
        await using var store = await OpenAsync(Db);
        await store.Captures.StorePageAsync(Capture(wuxi, T0), wuxi);
        await store.Captures.StorePageAsync(Capture(wnd, T0), wnd);
        await store.Captures.StorePageAsync(Capture(wnd2, T0.AddDays(5)), wnd2);

        Assert.Equal(2, (await ToListAsync(store.Reader.ListPagesAsync())).Count);
        var wndPages = await ToListAsync(store.Reader.ListPagesAsync(new PageFilter(Site: "wnd.gov.cn")));
        Assert.Equal(wnd.Url, Assert.Single(wndPages).Url);
        Assert.Equal(2, wndPages[0].Revisions);
        var recent = await ToListAsync(store.Reader.ListPagesAsync(new PageFilter(ChangedSince: T0.AddDays(1))));
        Assert.Equal(wnd.Url, Assert.Single(recent).Url);

        var latest = await ToListAsync(store.Reader.ReadArticlesAsync());
        Assert.Equal([wuxi.Url, wnd.Url], latest.Select(a => a.Article.Url));
        var all = await ToListAsync(store.Reader.ReadArticlesAsync(new PageFilter(AllRevisions: true)));
        Assert.Equal([(wuxi.Url, 1), (wnd.Url, 1), (wnd.Url, 2)], all.Select(a => (a.Article.Url, a.Revision)));
        Assert.Equal("By Zhang", all[2].Article.Byline);
    }

    [Fact]
    public async Task A_capture_stored_late_with_an_older_time_does_not_displace_the_newer_content()
    {
        var old = WuxiArticle();
        var current = old with { Title = "Newer title" };
        await using var store = await OpenAsync(Db);
        await store.Captures.StorePageAsync(Capture(current, T0.AddDays(1)), current);
        await store.Captures.StorePageAsync(Capture(old, T0), old);
        var latest = await store.Reader.GetArticleAsync((await store.Reader.FindPageAsync(old.Url!))!.PageId);
        Assert.Equal("Newer title", latest!.Article.Title);
        Assert.Equal(T0, latest.FirstSeen);
    }

    internal static void AssertSameArticle(Article expected, Article actual)
    {
        Assert.Equal(expected.Url, actual.Url);
        Assert.Equal(expected.Site, actual.Site);
        Assert.Equal(expected.Extractor, actual.Extractor);
        Assert.Equal(expected.Title, actual.Title);
        Assert.Equal(expected.Subtitle, actual.Subtitle);
        Assert.Equal(expected.Section, actual.Section);
        Assert.Equal(expected.Published, actual.Published);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.Byline, actual.Byline);
        Assert.Equal(expected.Language, actual.Language);
        Assert.Equal(expected.Paragraphs, actual.Paragraphs);
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.Figures, actual.Figures);
        Assert.Equal(expected.Pages, actual.Pages);
    }

    internal static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
            list.Add(item);
        return list;
    }
}

/// <summary>The plain-words form of a query FTS5 rejects (no archive needed).</summary>
public sealed class PlainWordsTests
{
    [Theory]
    [InlineData("Wuxi's GDP", "\"Wuxi's\" \"GDP\"")]
    [InlineData("  say \"hi\"\tR&D ", "\"say\" \"\"\"hi\"\"\" \"R&D\"")]
    public void Plain_words_are_each_an_fts5_string(string query, string expected) =>
        Assert.Equal(expected, Scraper.Archive.Sqlite.Fts5Search.AsPlainWords(query));
}
