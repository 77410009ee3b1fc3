using System.Text.Json;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Archive.Sqlite;
using Scraper.Cli;
using Scraper.Extraction;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;

namespace Scraper.Tests.Archive;

/// <summary>The archive commands end to end: real sample files, a real SQLite file, the CLI in-process.</summary>
public class ArchiveCommandTests : IDisposable
{
    private const string SeedPage = "en.wuxi.gov.cn/2023-11/23/c_941797.htm";
    private const string SeedUrl = "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm";
    private readonly TempFolder folder = new();
    private string Db => folder.File("archive.db");

    public void Dispose()
    {
        if (File.Exists(Db) && new FileInfo(Db).Length > 0 && ArchiveFileIsOurs())
            AssertIntegrity(Db);
        folder.Dispose();
    }

    private bool ArchiveFileIsOurs() => File.ReadAllBytes(Db).AsSpan(0, 16).SequenceEqual("SQLite format 3\0"u8) && Count(Db, "PRAGMA application_id") == ArchiveSchema.ApplicationId;

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync([.. args, "--db", Db]);

    private static IEnumerable<string> SampleFiles() =>
        Directory.EnumerateFiles(RepoPaths.Samples, "*.*htm*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>
    /// The section lists of the samples (their links have snapshots of their own) and their standing pages (Overview, which
    /// the rules exclude from sections): pages without an article.
    /// </summary>
    private static bool IsSectionList(string file) =>
        File.Exists(Path.ChangeExtension(file, ".links.verified.json"))
        || SamplePaths.UrlForFile(file) is { } url && Scraper.Sites.SiteCatalog.Default.Match(url)?.IsStandingPage(url) == true;

    private static bool IsContinuation(string file) => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(file), @"_\d+_\d+\.s?htm$");

    [Fact]
    public async Task Every_sample_round_trips_through_import_and_show()
    {
        var import = await Run("import", RepoPaths.Samples);
        Assert.True(import.ExitCode == ExitCodes.Ok, import.Error);
        var files = SampleFiles().ToList();
        Assert.True(files.Count >= 20, "the samples are missing");
        Assert.Contains($"Imported {files.Count} file(s)", import.Out);

        foreach (var file in files)
        {
            var url = SamplePaths.UrlForFile(file)!.AbsoluteUri;
            var show = await Run("show", url, "--format", "json");
            if (IsContinuation(file))
            {
                Assert.Equal(ExitCodes.Failed, show.ExitCode);
                Assert.Contains("continuation page", show.Error);
                continue;
            }
            if (IsSectionList(file))
            {
                Assert.NotEqual(ExitCodes.Ok, show.ExitCode);
                Assert.Contains("has no extracted article", show.Error);
                continue;
            }
            Assert.True(show.ExitCode == ExitCodes.Ok, $"{file}: {show.Error}");
            // The archive gives back exactly what the extractor makes of the file, plus the archive's fields.
            var extract = await CliRunner.RunAsync("extract", file, "--format", "json");
            Assert.Equal(ExitCodes.Ok, extract.ExitCode);
            var expected = JsonNode.Parse(extract.Out)!.AsObject();
            var actual = JsonNode.Parse(show.Out)!.AsObject();
            Assert.Equal(
                [.. expected.Select(p => p.Key), "page_id", "revision", "content_sha256", "captured_at", "first_seen", "last_changed", "aliases"],
                actual.Select(p => p.Key));
            // A page imported under a mirror host's URL is archived under its canonical URL, the imported one an alias of it.
            if ((string)expected["url"]! != (string)actual["url"]!)
            {
                Assert.Equal(PageIdentity.Default.Canonical((string)expected["url"]!), (string)actual["url"]!);
                Assert.Contains((string)expected["url"]!, actual["aliases"]!.AsArray().Select(a => (string)a!));
                // Its images are given on the canonical host too (the hosts of a group serve the same paths).
                var from = new Uri((string)expected["url"]!).GetLeftPart(UriPartial.Authority) + "/";
                var to = new Uri((string)actual["url"]!).GetLeftPart(UriPartial.Authority) + "/";
                foreach (var figure in expected["figures"]!.AsArray())
                    if (((string)figure!["src"]!).StartsWith(from, StringComparison.Ordinal))
                        figure["src"] = to + ((string)figure["src"]!)[from.Length..];
                expected["url"] = actual["url"]!.DeepClone();
            }
            foreach (var (key, value) in expected)
                Assert.True(JsonNode.DeepEquals(value, actual[key]), $"{file}: field {key} differs: {value?.ToJsonString()} vs {actual[key]?.ToJsonString()}");
            Assert.Equal(1, (int)actual["revision"]!);
            Assert.Matches("^[0-9a-f]{64}$", (string)actual["content_sha256"]!);
        }

        // The raw bodies come back byte for byte.
        await using var store = await OpenAsync(Db, ArchiveAccess.ReadOnly);
        foreach (var file in files)
            Assert.Equal(await File.ReadAllBytesAsync(file), (await store.Reader.LoadLatestBodyAsync(SamplePaths.UrlForFile(file)!))!.Value.Body);
        var stats = await store.Reader.GetStatsAsync();
        Assert.Equal(files.Count, stats.Pages);
        Assert.Equal(files.Count(f => !IsContinuation(f) && !IsSectionList(f)), stats.Revisions);
        Assert.Equal(files.Count(IsContinuation), stats.ContinuationPages);
    }

    [Fact]
    public async Task Importing_the_same_content_again_records_nothing_new()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("import", RepoPaths.Samples)).ExitCode);
        var counts = TableCounts();
        var again = await Run("import", RepoPaths.Samples);
        Assert.Equal(ExitCodes.Ok, again.ExitCode);
        Assert.Contains("0 new page(s), 0 new revision(s)", again.Out);
        Assert.Equal(counts, TableCounts());
        // A single file, imported with an explicit URL that spells the same page differently.
        var single = await Run("import", Path.Combine(RepoPaths.Samples, SeedPage), "--url", "HTTPS://EN.WUXI.GOV.CN/2023-11/23/c_941797.htm?utm_source=feed#top");
        Assert.Equal(ExitCodes.Ok, single.ExitCode);
        Assert.StartsWith("unchanged", single.Out);
        Assert.Equal(counts, TableCounts());
    }

    [Fact]
    public async Task A_boilerplate_only_change_adds_a_capture_and_no_revision()
    {
        var page = CopySample(SeedPage);
        Assert.Equal(ExitCodes.Ok, (await Run("import", page)).ExitCode);
        var html = await File.ReadAllTextAsync(page);
        Assert.Contains("8.03K", html);
        await File.WriteAllTextAsync(page, html
            .Replace("8.03K", "8.41K")
            .Replace("Huishan clay figurines appear in Yuantouzhu", "Lantern festival lights up the old canal"));

        var again = await Run("import", page);
        Assert.Equal(ExitCodes.Ok, again.ExitCode);
        Assert.StartsWith("recaptured", again.Out);
        Assert.Equal(2, Count(Db, "SELECT count(*) FROM captures"));
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM revisions"));
        var history = JsonNode.Parse((await Run("history", SeedUrl, "--format", "json")).Out)!.AsArray();
        Assert.Equal(2, (int)Assert.Single(history)!["captures"]!);
    }

    [Fact]
    public async Task A_content_change_adds_one_revision_and_keeps_the_old_one()
    {
        var page = CopySample(SeedPage);
        Assert.Equal(ExitCodes.Ok, (await Run("import", page)).ExitCode);
        var html = await File.ReadAllTextAsync(page);
        Assert.Contains("nearly 400 Japanese enterprises", html);
        await File.WriteAllTextAsync(page, html.Replace("nearly 400 Japanese enterprises", "more than 400 Japanese enterprises"));

        var again = await Run("import", page);
        Assert.Equal(ExitCodes.Ok, again.ExitCode);
        Assert.StartsWith("revision 2", again.Out);
        var history = JsonNode.Parse((await Run("history", SeedUrl, "--format", "json")).Out)!.AsArray();
        Assert.Equal([1, 2], history.Select(h => (int)h!["revision"]!));
        Assert.Equal([false, true], history.Select(h => (bool)h!["current"]!));
        Assert.All(history, h => Assert.Equal(SeedUrl, (string)h!["url"]!));
        Assert.NotEqual((string)history[0]!["content_sha256"]!, (string)history[1]!["content_sha256"]!);

        Assert.Contains("nearly 400", (await Run("show", SeedUrl, "--revision", "1", "--format", "text")).Out);
        Assert.Contains("more than 400", (await Run("show", SeedUrl, "--format", "text")).Out);
        var missing = await Run("show", SeedUrl, "--revision", "3");
        Assert.Equal(ExitCodes.NotFound, missing.ExitCode);
        Assert.Contains("has no revision 3 (it has 2", missing.Error);

        // Search sees the current revision only.
        var hits = JsonNode.Parse((await Run("search", "\"more than 400\"", "--format", "json")).Out)!.AsArray();
        Assert.Equal(SeedUrl, (string)Assert.Single(hits)!["url"]!);
        Assert.Empty(JsonNode.Parse((await Run("search", "\"nearly 400 Japanese\"", "--format", "json")).Out)!.AsArray());
    }

    [Fact]
    public async Task Reextract_adds_revisions_only_where_the_current_extractors_read_the_article_differently()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("import", RepoPaths.Samples)).ExitCode);
        // Stand in for an archive made by an older extractor: one page's stored article is worse than today's.
        var body = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Samples, SeedPage));
        await using (var store = await OpenAsync(Db))
        {
            var page = await store.Reader.FindPageAsync(SeedUrl);
            var current = await store.Reader.GetArticleAsync(page!.PageId);
            var older = current!.Article with
            {
                Extractor = "generic",
                Title = "Home > Latest WND to strengthen business collaboration with Japanese enterprises",
                Paragraphs = [.. current.Article.Paragraphs, "Copyright © China Daily. All rights reserved."],
            };
            var capture = new PageCapture(new Uri(SeedUrl), DateTimeOffset.UtcNow.AddMinutes(1), body.Concat("<!-- older -->"u8.ToArray()).ToArray(), CaptureOrigin.Fetch);
            Assert.True((await store.Captures.StorePageAsync(capture, older)).RevisionAdded);
        }
        var revisionsBefore = Count(Db, "SELECT count(*) FROM revisions");

        var reextract = await Run("reextract");
        Assert.True(reextract.ExitCode == ExitCodes.Ok, reextract.Error);
        // The page's newest capture gets today's reading back; that content is revision 1, so nothing is added.
        Assert.Contains("0 new revision(s), 1 page(s) with a new current revision", reextract.Out);
        Assert.Equal(revisionsBefore, Count(Db, "SELECT count(*) FROM revisions"));
        var shown = JsonNode.Parse((await Run("show", SeedUrl)).Out)!;
        Assert.Equal(1, (int)shown["revision"]!);
        Assert.Equal("site:en.wuxi.gov.cn", (string)shown["extractor"]!);

        var again = await Run("reextract");
        Assert.Contains("0 new revision(s), 0 page(s) with a new current revision", again.Out);
    }

    [Fact]
    public async Task Reextract_adds_a_revision_when_the_extractors_now_read_a_capture_differently()
    {
        // A capture stored with an article the current extractors do not produce (as after an extractor fix).
        var file = Path.Combine(RepoPaths.Samples, SeedPage);
        var body = await File.ReadAllBytesAsync(file);
        await using (var store = await OpenAsync(Db))
        {
            var old = new Article { Url = SeedUrl, Site = "en.wuxi.gov.cn", Extractor = "generic", Title = "Old reading", Paragraphs = ["Only one paragraph."] };
            await store.Captures.StorePageAsync(new PageCapture(new Uri(SeedUrl), T0, body, CaptureOrigin.Import), old);
        }
        var reextract = await Run("reextract");
        Assert.Equal(ExitCodes.Ok, reextract.ExitCode);
        Assert.StartsWith("revision 2", reextract.Out);
        var history = JsonNode.Parse((await Run("history", SeedUrl, "--format", "json")).Out)!.AsArray();
        Assert.Equal(["generic", "site:en.wuxi.gov.cn"], history.Select(h => (string)h!["extractor"]!));
        // Its content dates from the capture, not from the re-extraction.
        Assert.Equal(ArchiveTime.Format(T0), (string)history[1]!["first_seen"]!);
        var expected = JsonNode.Parse((await CliRunner.RunAsync("extract", file)).Out)!;
        var shown = JsonNode.Parse((await Run("show", SeedUrl)).Out)!;
        Assert.True(JsonNode.DeepEquals(expected["paragraphs"], shown["paragraphs"]));
    }

    [Fact]
    public async Task List_history_search_show_and_stats_print_one_json_value()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("import", RepoPaths.Samples)).ExitCode);
        var list = JsonNode.Parse((await Run("list", "--format", "json")).Out)!.AsArray();
        Assert.Equal(SampleFiles().Count(f => !IsContinuation(f) && !IsSectionList(f)), list.Count);
        Assert.All(list, item => Assert.StartsWith("https://", (string)item!["url"]!));
        var wnd = JsonNode.Parse((await Run("list", "--site", "wnd.gov.cn", "--format", "json")).Out)!.AsArray();
        Assert.NotEmpty(wnd);
        Assert.All(wnd, item => Assert.Equal("wnd.gov.cn", (string)item!["site"]!));
        Assert.Empty(JsonNode.Parse((await Run("list", "--since", "2999-01-01", "--format", "json")).Out)!.AsArray());

        var search = JsonNode.Parse((await Run("search", "Japanese", "--format", "json")).Out)!.AsArray();
        Assert.NotEmpty(search);
        Assert.All(search, hit => Assert.Contains("**Japanese**", (string)hit!["snippet"]!, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(Enumerable.Range(1, search.Count), search.Select(h => (int)h!["rank"]!));

        var stats = JsonNode.Parse((await Run("stats", "--format", "json")).Out)!;
        Assert.Equal(SampleFiles().Count(), (int)stats["pages"]!);
        var table = await Run("list");
        Assert.Equal(list.Count + 1, table.Out.TrimEnd('\n').Split('\n').Length);
        Assert.StartsWith("ID", table.Out);
        Assert.Contains("新吴区", table.Out);
    }

    /// <summary>
    /// Reads never change the file. (Run as root, as on the test machines, the read-only attribute is not enforced:
    /// ReadOnlyArchiveTests reads a truly unwritable archive as another user.)
    /// </summary>
    [Fact]
    public async Task Read_commands_leave_the_archive_file_unchanged()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("import", RepoPaths.Samples)).ExitCode);
        File.SetAttributes(Db, FileAttributes.ReadOnly);
        var before = FileSha256(Db);
        foreach (var args in new string[][]
                 {
                     new[] { "list" }, ["list", "--format", "json"], ["show", SeedUrl], ["show", "1", "--format", "markdown"],
                     ["history", SeedUrl], ["search", "investment"], ["stats"],
                 })
        {
            var result = await Run(args);
            Assert.True(result.ExitCode == ExitCodes.Ok, $"{string.Join(' ', args)}: {result.Error}");
            Assert.NotEmpty(result.Out);
        }
        Assert.Equal(before, FileSha256(Db));
        Assert.False(File.Exists(Db + "-wal") && new FileInfo(Db + "-wal").Length > 0);
    }

    [Theory]
    [InlineData("list")]
    [InlineData("import")]
    [InlineData("reextract")]
    [InlineData("stats")]
    public async Task A_file_that_is_not_an_archive_is_refused_with_exit_4_and_not_modified(string command)
    {
        await File.WriteAllTextAsync(Db, "not a database\n" + new string('#', 4096));
        var before = FileSha256(Db);
        var result = await Run(command == "import" ? [command, Path.Combine(RepoPaths.Samples, SeedPage)] : [command]);
        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Matches(@"^scraper: .*archive\.db is not a scraper archive \(.+\)\n$", result.Error.ReplaceLineEndings("\n"));
        Assert.Equal(before, FileSha256(Db));
    }

    [Theory]
    [InlineData("list")]
    [InlineData("import")]
    public async Task An_archive_from_a_newer_schema_is_refused_and_not_modified(string command)
    {
        Assert.Equal(ExitCodes.Ok, (await Run("import", Path.Combine(RepoPaths.Samples, SeedPage))).ExitCode);
        using (var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            raw.Open();
            using var bump = raw.CreateCommand();
            bump.CommandText = $"PRAGMA user_version = {ArchiveSchema.Version + 1}";
            bump.ExecuteNonQuery();
        }
        var before = FileSha256(Db);
        var result = await Run(command == "import" ? [command, Path.Combine(RepoPaths.Samples, SeedPage)] : [command]);
        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains("newer scraper", result.Error);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Equal(before, FileSha256(Db));
    }

    [Fact]
    public async Task Path_and_missing_archive_errors_are_one_line()
    {
        var badFolder = await CliRunner.RunAsync("list", "--db", folder.File("no/such/folder/archive.db"));
        Assert.Equal(ExitCodes.Usage, badFolder.ExitCode);
        Assert.Contains("does not exist", badFolder.Error);
        var isFolder = await CliRunner.RunAsync("import", RepoPaths.Samples, "--db", folder.Path);
        Assert.Equal(ExitCodes.Usage, isFolder.ExitCode);
        Assert.Contains("is a folder", isFolder.Error);
        var missing = await Run("list");
        Assert.Equal(ExitCodes.Failed, missing.ExitCode);
        Assert.Contains("no archive at", missing.Error);
        Assert.False(File.Exists(Db));
        foreach (var result in new[] { badFolder, isFolder, missing })
            Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("show", "999")]
    [InlineData("show", "https://x.example/")]
    [InlineData("history", "999")]
    [InlineData("history", "https://x.example/")]
    [InlineData("show", SeedUrl, "--revision", "9")]
    [InlineData("diff", "999")]
    [InlineData("diff", SeedUrl, "--from", "9")]
    [InlineData("errors", "--run", "999")]
    public async Task Asking_for_a_page_revision_or_run_the_archive_lacks_exits_1_with_one_line(params string[] args)
    {
        Assert.Equal(ExitCodes.Ok, (await Run("import", Path.Combine(RepoPaths.Samples, SeedPage))).ExitCode);
        var result = await Run(args);
        Assert.Equal((ExitCodes.NotFound, ""), (result.ExitCode, result.Out));
        Assert.Matches(@"^scraper: [^\n]*(in the archive|has no revision 9)[^\n]*\n$", result.Error.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("Wuxi's")]
    [InlineData("1.49")]
    [InlineData("R&D")]
    [InlineData("Wuxi's GDP")]
    [InlineData("\"unbalanced")]
    [InlineData("investment AND")]
    [InlineData("NEAR(")]
    [InlineData("Video: investment")]
    [InlineData("nosuchcolumn:investment")]
    [InlineData("'; DROP TABLE pages; --")]
    public async Task Text_that_is_not_an_fts5_query_is_searched_as_plain_words_and_never_as_sql(string query)
    {
        Assert.Equal(ExitCodes.Ok, (await Run("import", RepoPaths.Samples)).ExitCode);
        var counts = TableCounts();
        var result = await Run("search", query, "--limit", "100", "--format", "json");
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        Assert.Equal("", result.Error);
        var hits = JsonNode.Parse(result.Out)!.AsArray().Select(h => (string)h!["url"]!).ToHashSet();

        // Every article holding the text as written is found; every hit holds each word (as the tokenizer splits it).
        var articles = await ArticleTextsAsync();
        var literal = articles.Where(a => a.Value.Contains(query, StringComparison.OrdinalIgnoreCase)).Select(a => a.Key).ToList();
        Assert.Subset(hits, literal.ToHashSet());
        foreach (var url in hits)
            foreach (var word in query.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Any(char.IsLetterOrDigit)))
                Assert.Matches(WordPattern(word), articles[url]);
        if (query is "Wuxi's" or "1.49" or "R&D")
            Assert.NotEmpty(literal);
        Assert.Equal(counts, TableCounts());
    }

    [Fact]
    public async Task A_valid_fts5_query_keeps_its_meaning()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("import", RepoPaths.Samples)).ExitCode);
        async Task<HashSet<string>> Hits(string query)
        {
            var result = await Run("search", query, "--limit", "100", "--format", "json");
            Assert.True(result.ExitCode == ExitCodes.Ok, $"{query}: {result.Error}");
            return JsonNode.Parse(result.Out)!.AsArray().Select(h => (string)h!["url"]!).ToHashSet();
        }
        var japanese = await Hits("Japanese");
        var semiconductor = await Hits("semiconductor");
        Assert.NotEmpty(japanese);
        Assert.NotEmpty(semiconductor);
        Assert.Equal(japanese.Union(semiconductor).Order(), (await Hits("Japanese OR semiconductor")).Order());
        Assert.Equal(japanese.Intersect(semiconductor).Order(), (await Hits("Japanese AND semiconductor")).Order());
        Assert.Equal(japanese.Except(semiconductor).Order(), (await Hits("Japanese NOT semiconductor")).Order());
        Assert.Superset(await Hits("investment"), await Hits("invest*"));
        Assert.ProperSubset(await Hits("Wuxi"), await Hits("title:Wuxi"));
    }

    /// <summary>The current title and text of every archived article, by URL.</summary>
    private async Task<Dictionary<string, string>> ArticleTextsAsync()
    {
        var texts = new Dictionary<string, string>();
        foreach (var page in JsonNode.Parse((await Run("list", "--format", "json")).Out)!.AsArray())
        {
            var article = JsonNode.Parse((await Run("show", (string)page!["url"]!, "--format", "json")).Out)!;
            texts[(string)article["url"]!] = $"{article["title"]}\n{article["text"]}";
        }
        return texts;
    }

    /// <summary>A word as FTS5's unicode61 tokenizer sees it: its runs of letters and digits, in order, anything between.</summary>
    private static System.Text.RegularExpressions.Regex WordPattern(string word)
    {
        var tokens = System.Text.RegularExpressions.Regex.Split(word, @"[^\p{L}\p{N}]+").Where(t => t.Length > 0).Select(System.Text.RegularExpressions.Regex.Escape);
        return new System.Text.RegularExpressions.Regex(@"(?<![\p{L}\p{N}])" + string.Join(@"[^\p{L}\p{N}]+", tokens) + @"(?![\p{L}\p{N}])",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase);
    }

    [Fact]
    public async Task Show_and_history_explain_what_is_not_there()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("import", RepoPaths.Samples)).ExitCode);
        var notArchived = await Run("show", "https://en.wuxi.gov.cn/2099-01/01/c_1.htm");
        Assert.Equal(ExitCodes.NotFound, notArchived.ExitCode);
        Assert.Contains("is not in the archive", notArchived.Error);
        var notUrl = await Run("history", "not a url");
        Assert.Equal(ExitCodes.Usage, notUrl.ExitCode);
        // The http spelling finds the page archived under https.
        Assert.Equal(ExitCodes.Ok, (await Run("show", "http://en.wuxi.gov.cn/2023-11/23/c_941797.htm")).ExitCode);
    }

    [Fact]
    public async Task Import_reports_files_it_cannot_place_or_read_and_goes_on()
    {
        var stray = folder.Write("loose/page.html", "<html><body><p>No host folder above me.</p></body></html>");
        var binary = folder.Write("en.wuxi.gov.cn/2023-11/23/c_1.htm", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);
        var good = CopySample(SeedPage);
        var result = await Run("import", stray, binary, good, folder.File("missing.htm"));
        Assert.Equal(ExitCodes.Partial, result.ExitCode);
        Assert.Contains("pass --url", result.Error);
        Assert.Contains("missing.htm: no such file", result.Error);
        Assert.Contains("c_1.htm", result.Error);
        Assert.Contains("1 new page(s)", result.Out);
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM pages"));

        var usage = await Run("import", stray, good, "--url", "https://en.wuxi.gov.cn/a.htm");
        Assert.Equal(ExitCodes.Usage, usage.ExitCode);
    }

    [Fact]
    public async Task A_locked_archive_fails_with_exit_3_and_a_one_line_message()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("import", CopySample(SeedPage))).ExitCode);
        using var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Db};Pooling=False");
        holder.Open();
        using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
        }
        var changed = CopySample("www.wndonline.cn/2019-06/04/c_346512.htm");
        var result = await Run("import", changed);
        Assert.Equal(ExitCodes.Locked, result.ExitCode);
        Assert.Contains("is locked by another process", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        // Reading goes on beside the writer.
        Assert.Equal(ExitCodes.Ok, (await Run("list")).ExitCode);
        using (var end = holder.CreateCommand())
        {
            end.CommandText = "ROLLBACK";
            end.ExecuteNonQuery();
        }
        holder.Close();
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM pages"));
    }

    [Theory]
    [InlineData(null, null, "archive.db")]
    [InlineData(null, "/data/env.db", "/data/env.db")]
    [InlineData("given.db", "/data/env.db", "given.db")]
    [InlineData("", "  ", "archive.db")]
    public void The_archive_path_comes_from_db_then_SCRAPER_DB_then_the_default(string? option, string? environment, string expected) =>
        Assert.Equal(expected, ArchiveLocation.Resolve(option, environment));

    [Theory]
    [InlineData(null, false)]
    [InlineData("normal", false)]
    [InlineData(" FULL ", true)]
    public void SCRAPER_SYNC_chooses_per_page_durability(string? sync, bool durable) =>
        Assert.Equal(durable, ArchiveLocation.DurableCommits(sync));

    [Fact]
    public async Task An_unknown_SCRAPER_SYNC_is_a_usage_error_and_full_imports()
    {
        var sample = Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm");
        var bad = await CliRunner.RunProcessAsync(TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["SCRAPER_SYNC"] = "always" },
            "import", sample, "--db", Db);
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("scraper: SCRAPER_SYNC='always' is not a sync mode (use full or normal)", bad.Error.Trim());
        Assert.False(File.Exists(Db));

        var full = await CliRunner.RunProcessAsync(TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["SCRAPER_SYNC"] = "full" },
            "import", sample, "--db", Db);
        Assert.Equal(0, full.ExitCode);
        Assert.Equal(1, Count(Db, "SELECT count(*) FROM revisions"));
    }

    private string CopySample(string relative)
    {
        var target = folder.File(Path.Combine("site", relative));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(Path.Combine(RepoPaths.Samples, relative), target, overwrite: true);
        return target;
    }

    private List<long> TableCounts() =>
        new[] { "pages", "captures", "bodies", "revisions", "figures", "search_index" }
            .Select(table => Count(Db, $"SELECT count(*) FROM {table}")).ToList();
}
