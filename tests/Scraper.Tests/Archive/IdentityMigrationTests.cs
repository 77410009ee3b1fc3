using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Archive.Sqlite;
using Scraper.Cli;
using Scraper.Extraction;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;

namespace Scraper.Tests.Archive;

/// <summary>
/// The upgrade to schema version 5 brings an archive an older build made to the state this build would have made: the
/// pages that are one (http and https, www.wuxinews.com.cn and en.wuxi.gov.cn) merged, nothing lost.
/// </summary>
public sealed class IdentityMigrationTests : IDisposable
{
    private const string Path = "/2023-11/23/c_941797.htm";
    private readonly TempFolder folder = new();

    private string Db => folder.File("archive.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        folder.Dispose();
    }

    private static Article Version(string title, string word) =>
        WuxiArticle() with { Title = title, Paragraphs = [$"The forum opened on Thursday ({word}).", "More than 300 guests attended."] };

    private static readonly Article A = Version("Forum opens", "alpha");
    private static readonly Article B = Version("Forum opens in Wuxi", "bravo");
    private static readonly Article C = Version("Forum opened", "charlie");
    private static readonly Article D = Version("Forum closes", "delta") with
    {
        Figures = [new Figure("http://en.wuxi.gov.cn/images/d1.jpg", "one", "The hall.", "Photo/Wuxi Daily", 0), new Figure("http://en.wuxi.gov.cn/images/d2.jpg", null, "The guests.", null, 2)],
    };

    private static PageCapture Fetched(string url, Article article, DateTimeOffset at, string boilerplate = "8.03K") =>
        Capture(article with { Url = url }, at, boilerplate);

    /// <summary>
    /// A version-4 archive as an older build wrote it: the article under its four URLs as four pages, each with its own
    /// captures and revisions (the same content on several, other content on some), a continuation page under two of them,
    /// a page only on the mirror host, list pages on http and https, robots.txt of two hosts, frontier rows for every
    /// spelling, and one page queued for the search index (its writer killed before indexing it).
    /// </summary>
    private async Task<Dictionary<long, string>> MakeVersion4ArchiveWithDuplicatesAsync()
    {
        // Pages are stored on hosts of no group, then given the URLs the old build keyed apart (it had no page identity).
        var renamed = new Dictionary<string, string>
        {
            ["http://d1.test" + Path] = "http://www.wuxinews.com.cn" + Path,
            ["http://d2.test" + Path] = "https://en.wuxi.gov.cn" + Path,
            ["http://d3.test" + Path] = "http://en.wuxi.gov.cn" + Path,
            ["http://d4.test" + Path] = "https://www.wuxinews.com.cn" + Path,
            ["http://d1.test/2023-11/23/c_941797_2.htm"] = "http://www.wuxinews.com.cn/2023-11/23/c_941797_2.htm",
            ["http://d3.test/2023-11/23/c_941797_2.htm"] = "http://en.wuxi.gov.cn/2023-11/23/c_941797_2.htm",
            ["http://d5.test/2023-02/01/c_2.htm"] = "http://www.wuxinews.com.cn/2023-02/01/c_2.htm",
            ["http://d6.test/bizupdates.html"] = "http://en.wuxi.gov.cn/bizupdates.html",
            ["http://d7.test/bizupdates.html"] = "https://en.wuxi.gov.cn/bizupdates.html",
        };
        await using (var store = await OpenAsync(Db))
        {
            await store.Captures.StorePageAsync(Fetched("http://d1.test" + Path, A, T0) with { ContentType = "text/html" }, A);
            await store.Captures.StorePageAsync(Fetched("http://d1.test" + Path, B, T0.AddDays(3)), B);
            await store.Captures.StorePageAsync(Fetched("http://d2.test" + Path, A, T0.AddDays(1), "9K"), A);
            await store.Captures.StorePageAsync(Fetched("http://d2.test" + Path, C, T0.AddDays(2)), C);
            await store.Captures.StorePageAsync(Fetched("http://d3.test" + Path, B, T0.AddDays(4), "7K"), B);
            await store.Captures.StoreNotModifiedAsync(new Uri("http://d3.test" + Path), T0.AddDays(5), null, null, null);
            await store.Captures.StorePageAsync(Fetched("http://d4.test" + Path, D, T0.AddDays(6)), D);
            foreach (var (host, at) in new[] { ("d1.test", T0), ("d3.test", T0.AddDays(4)) })
            {
                var page2 = new PageCapture(new Uri($"http://{host}/2023-11/23/c_941797_2.htm"), at, "<html><p>page two</p></html>"u8.ToArray(), CaptureOrigin.Fetch)
                {
                    HttpStatus = 200, ContinuationOf = new Uri($"http://{host}{Path}"),
                };
                await store.Captures.StorePageAsync(page2, null);
            }
            var single = WuxiArticle("http://d5.test/2023-02/01/c_2.htm") with { Title = "A page only on the mirror host" };
            await store.Captures.StorePageAsync(Capture(single, T0), single);
            foreach (var host in new[] { "d6.test", "d7.test" })
                await store.Captures.StorePageAsync(new PageCapture(new Uri($"http://{host}/bizupdates.html"), T0, "<html>list</html>"u8.ToArray(), CaptureOrigin.Fetch)
                { Kind = PageKind.List }, null);
            foreach (var host in new[] { "en.wuxi.gov.cn", "www.wuxinews.com.cn" })
                await store.Captures.StorePageAsync(new PageCapture(new Uri($"http://{host}/robots.txt"), T0, "User-agent: *\n"u8.ToArray(), CaptureOrigin.Fetch)
                { Kind = PageKind.Robots }, null);
        }

        using var connection = new SqliteConnection($"Data Source={Db};Pooling=False");
        connection.Open();
        void Execute(string sql, params (string, object)[] parameters)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            command.ExecuteNonQuery();
        }
        foreach (var (from, to) in renamed)
            Execute("UPDATE pages SET url = $to WHERE url = $from", ("$to", to), ("$from", from));
        // The writer of d4's page was killed before indexing it: its index entry is gone, the page queued.
        Execute("""
            INSERT INTO search_index (search_index, rowid, title, text)
            SELECT 'delete', p.id, t.title, t.text FROM pages p JOIN revision_text t ON t.revision_id = p.latest_revision_id WHERE p.url = $url
            """, ("$url", "https://www.wuxinews.com.cn" + Path));
        Execute("INSERT INTO search_queue (page_id, indexed_revision_id) SELECT id, NULL FROM pages WHERE url = $url", ("$url", "https://www.wuxinews.com.cn" + Path));
        // The crawl frontier knew the article under each spelling.
        var state = new[] { "done", "done", "failed", "pending" };
        var i = 0;
        foreach (var url in new[] { "http://www.wuxinews.com.cn" + Path, "https://en.wuxi.gov.cn" + Path, "http://en.wuxi.gov.cn" + Path, "https://www.wuxinews.com.cn" + Path })
            Execute("INSERT INTO frontier (url, kind, site, state, pass, discovered_at) VALUES ($url, 'page', 'en.wuxi.gov.cn', $state, 3, $at)",
                ("$url", url), ("$state", state[i]), ("$at", FormatTime(T0.AddMinutes(i++))));
        Execute(SchemaVersions.Undo5);

        // Each capture's page URL as the old build kept it.
        var urls = new Dictionary<long, string>();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT c.id, p.url FROM captures c JOIN pages p ON p.id = c.page_id";
        using var reader = select.ExecuteReader();
        while (reader.Read()) urls[reader.GetInt64(0)] = reader.GetString(1);
        return urls;
    }

    private static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    private List<string> Rows(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }

    /// <summary>Every capture with what it holds and the content of the revision it shows: what must survive, by id.</summary>
    private const string CaptureFacts = """
        SELECT c.id, c.captured_at, c.origin, c.http_status, c.etag, c.last_modified, c.content_type, c.body_sha256, r.content_sha256
        FROM captures c LEFT JOIN revisions r ON r.id = c.revision_id ORDER BY c.id
        """;

    [Fact]
    public async Task Duplicates_are_merged_by_the_upgrade_keeping_every_capture_and_the_history_in_time_order()
    {
        var capturedFrom = await MakeVersion4ArchiveWithDuplicatesAsync();
        Assert.Equal(4, Count(Db, "PRAGMA user_version"));
        var captures = Rows(CaptureFacts);
        var contents = Rows("SELECT DISTINCT content_sha256 FROM revisions ORDER BY 1");
        var figures = Rows("SELECT DISTINCT r.content_sha256, f.ordinal, f.src, f.alt, f.caption, f.credit, f.position FROM figures f JOIN revisions r ON r.id = f.revision_id ORDER BY 1, 2");
        var article = Count(Db, $"SELECT min(id) FROM pages WHERE url LIKE '%{Path}'");

        // A writer's open upgrades it; the upgrade is one transaction with the merge.
        await using (var store = await OpenAsync(Db))
            Assert.Empty(await store.CheckIntegrityAsync());

        Assert.Equal(ArchiveSchema.Version, Count(Db, "PRAGMA user_version"));
        // Every capture survives as it was, and says which URL it came from.
        Assert.Equal(captures, Rows(CaptureFacts));
        foreach (var row in Rows("SELECT c.id, coalesce(c.url, p.url) FROM captures c JOIN pages p ON p.id = c.page_id"))
        {
            var (id, url) = (long.Parse(row.Split(" | ")[0]), row.Split(" | ")[1]);
            Assert.Equal(capturedFrom[id], url);
        }
        // One page for the article, the oldest (its id still valid), under the oldest spelling on the canonical host.
        Assert.Equal([$"{article} | https://en.wuxi.gov.cn{Path} | en.wuxi.gov.cn{Path}"], Rows($"SELECT id, url, key FROM pages WHERE url LIKE '%{Path}'"));
        Assert.Equal(7, Count(Db, $"SELECT count(*) FROM captures WHERE page_id = {article}"));
        // Each content once, numbered in the order it was first seen; the figures of each kept.
        Assert.Equal(contents, Rows("SELECT DISTINCT content_sha256 FROM revisions ORDER BY 1"));
        Assert.Equal(
            [$"1 | Forum opens | {FormatTime(T0)}", $"2 | Forum opened | {FormatTime(T0.AddDays(2))}",
             $"3 | Forum opens in Wuxi | {FormatTime(T0.AddDays(3))}", $"4 | Forum closes | {FormatTime(T0.AddDays(6))}"],
            Rows($"SELECT number, title, first_seen FROM revisions WHERE page_id = {article} ORDER BY number"));
        Assert.Equal(figures, Rows("SELECT DISTINCT r.content_sha256, f.ordinal, f.src, f.alt, f.caption, f.credit, f.position FROM figures f JOIN revisions r ON r.id = f.revision_id ORDER BY 1, 2"));
        // The current revision is that of the newest capture; the revision's capture is its earliest sighting.
        Assert.Equal(["Forum closes"], Rows($"SELECT r.title FROM pages p JOIN revisions r ON r.id = p.latest_revision_id WHERE p.id = {article}"));
        Assert.Equal(FormatTime(T0), Rows($"SELECT c.captured_at FROM revisions r JOIN captures c ON c.id = r.capture_id WHERE r.page_id = {article} AND r.number = 1").Single());
        // The other spellings are its aliases; the continuation pages are one, of the merged page.
        Assert.Equal(["http://en.wuxi.gov.cn" + Path, "http://www.wuxinews.com.cn" + Path, "https://www.wuxinews.com.cn" + Path],
            Rows($"SELECT a.url FROM page_aliases a JOIN pages p ON a.key = p.key WHERE p.id = {article} ORDER BY 1"));
        Assert.Equal([$"http://en.wuxi.gov.cn/2023-11/23/c_941797_2.htm | {article} | 2"],
            Rows("SELECT p.url, p.continuation_of, (SELECT count(*) FROM captures WHERE page_id = p.id) FROM pages p WHERE continuation_of IS NOT NULL"));
        // The page only on the mirror host is under the canonical host now; the list pages are one; robots.txt stay per host.
        Assert.Equal(["http://en.wuxi.gov.cn/2023-02/01/c_2.htm"], Rows("SELECT url FROM pages WHERE url LIKE '%c_2.htm'"));
        Assert.Equal(["http://www.wuxinews.com.cn/2023-02/01/c_2.htm"], Rows("SELECT url FROM page_aliases WHERE url LIKE '%c_2.htm'"));
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM pages WHERE kind = 'list'"));
        Assert.Equal(2, Count(Db, "SELECT count(*) FROM pages WHERE kind = 'robots'"));
        // One frontier row for the article: the first fetched spelling's, with the earliest discovery.
        Assert.Equal([$"http://www.wuxinews.com.cn{Path} | done | {FormatTime(T0)}"], Rows($"SELECT url, state, discovered_at FROM frontier WHERE url LIKE '%{Path}'"));
        // The search index holds each page's current text once, the queued page indexed.
        Assert.Equal(0, Count(Db, "SELECT count(*) FROM search_queue"));
        AssertIntegrity(Db);
        await using (var reader = await OpenAsync(Db, ArchiveAccess.ReadOnly))
        {
            Assert.Equal(article, Assert.Single(await reader.Search.SearchAsync("delta")).PageId);
            Assert.Empty(await reader.Search.SearchAsync("alpha"));
        }

        // From the command line: one article, found under every URL, its history whole.
        var list = JsonNode.Parse((await CliRunner.RunAsync("list", "--db", Db, "-f", "json")).Out)!.AsArray();
        Assert.Equal(2, list.Count);
        foreach (var url in new[] { "http://www.wuxinews.com.cn" + Path, "https://www.wuxinews.com.cn" + Path, "http://en.wuxi.gov.cn" + Path })
        {
            var shown = await CliRunner.RunAsync("show", url, "--db", Db, "-f", "json");
            Assert.True(shown.ExitCode == ExitCodes.Ok, shown.Error);
            var json = JsonNode.Parse(shown.Out)!;
            Assert.Equal(article, (long)json["page_id"]!);
            Assert.Equal(3, json["aliases"]!.AsArray().Count);
        }
        var history = JsonNode.Parse((await CliRunner.RunAsync("history", "https://en.wuxi.gov.cn" + Path, "--db", Db, "-f", "json")).Out)!.AsArray();
        Assert.Equal([1, 2, 3, 4], history.Select(h => (int)h!["revision"]!));

        // Opened again, nothing changes.
        var before = Rows("SELECT * FROM pages ORDER BY id").Concat(Rows("SELECT * FROM revisions ORDER BY id")).Concat(Rows("SELECT * FROM page_aliases ORDER BY url")).ToList();
        await using (await OpenAsync(Db)) { }
        Assert.Equal(before, Rows("SELECT * FROM pages ORDER BY id").Concat(Rows("SELECT * FROM revisions ORDER BY id")).Concat(Rows("SELECT * FROM page_aliases ORDER BY url")));
    }

    [Fact]
    public async Task A_version_4_archive_without_duplicates_gets_the_schema_of_the_file_and_its_keys()
    {
        await using (var store = await OpenAsync(Db))
        {
            var article = WuxiArticle("https://en.wuxi.gov.cn/2023-11/23/c_941797.htm");
            await store.Captures.StorePageAsync(Capture(article, T0), article);
        }
        using (var connection = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            connection.Open();
            using var downgrade = connection.CreateCommand();
            downgrade.CommandText = SchemaVersions.Undo5;
            downgrade.ExecuteNonQuery();
        }
        var refused = await Assert.ThrowsAsync<ArchiveException>(() => OpenAsync(Db, ArchiveAccess.ReadOnly));
        Assert.Equal(ArchiveFailure.OlderSchema, refused.Failure);
        await using (await OpenAsync(Db)) { }

        Assert.Equal(SchemaOfSql(ArchiveSchema.Sql), SchemaOfFile(Db));
        Assert.Equal(["https://en.wuxi.gov.cn/2023-11/23/c_941797.htm | en.wuxi.gov.cn/2023-11/23/c_941797.htm"], Rows("SELECT url, key FROM pages"));
        Assert.Equal(0, Count(Db, "SELECT count(*) FROM page_aliases"));
        Assert.Equal(PageIdentity.Default.Description, Rows("SELECT hosts FROM page_identity").Single().ReplaceLineEndings("\n"));
        AssertIntegrity(Db);
    }

    [Fact]
    public async Task Rules_that_group_hosts_anew_merge_the_pages_they_make_one_when_a_writer_opens_the_archive()
    {
        var ungrouped = new ArchiveOptions(Identity: new PageIdentity(null));
        await using (var store = await ArchiveStore.OpenAsync(Db, ArchiveAccess.ReadWrite, ungrouped))
        {
            await store.Captures.StorePageAsync(Fetched("http://www.wuxinews.com.cn" + Path, A, T0), A);
            await store.Captures.StorePageAsync(Fetched("https://en.wuxi.gov.cn" + Path, B, T0.AddDays(1)), B);
            // Without host groups, http and https of one host are still one page.
            await store.Captures.StorePageAsync(Fetched("https://www.wuxinews.com.cn" + Path, A, T0.AddDays(2), "2K"), A);
            Assert.Equal(2, (await store.Reader.GetStatsAsync()).ArticlePages);
        }
        // A reader sees the archive as it is keyed.
        await using (var reader = await OpenAsync(Db, ArchiveAccess.ReadOnly))
            Assert.Equal(2, (await reader.Reader.GetStatsAsync()).ArticlePages);
        await using (var store = await OpenAsync(Db))
        {
            Assert.Equal(1, (await store.Reader.GetStatsAsync()).ArticlePages);
            var page = (await store.Reader.FindPageAsync("http://www.wuxinews.com.cn" + Path))!;
            Assert.Equal(2, (await store.Reader.GetHistoryAsync(page.PageId)).Count);
            Assert.Equal(3, (await store.Reader.GetStatsAsync()).Captures);
        }
        AssertIntegrity(Db);
    }

    private static List<(string Type, string Name, string? Sql)> SchemaOfSql(string sql)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using (var apply = connection.CreateCommand())
        {
            apply.CommandText = sql;
            apply.ExecuteNonQuery();
        }
        return ArchiveFixtures.SchemaOf(connection);
    }

    private static List<(string Type, string Name, string? Sql)> SchemaOfFile(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return ArchiveFixtures.SchemaOf(connection);
    }

}
