using System.Text;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Cli;
using Scraper.Export;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;
using static Scraper.Tests.Export.ExportFixtures;

namespace Scraper.Tests.Export;

/// <summary>CSV export round trips: the CLI writes a real file from a real archive, CsvHelper reads it back.</summary>
public sealed class CsvExportTests : ExportTestFolder
{

    private async Task<byte[]> ExportAsync(params string[] args)
    {
        var output = folder.File($"export-{Guid.NewGuid():N}.csv");
        var result = await CliRunner.RunAsync(["export", "--db", Db, "--out", output, .. args]);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        return await File.ReadAllBytesAsync(output);
    }

    /// <summary>What each column must hold for an archived revision, written out here from the archive's own records.</summary>
    private static string[] ExpectedRow(ArchivedArticle archived)
    {
        var a = archived.Article;
        return
        [
            a.Url!, a.Site ?? "", a.Section ?? "", a.Title ?? "", a.Subtitle ?? "", a.Published ?? "", a.Source ?? "", a.Byline ?? "",
            string.Join("\n\n", a.Paragraphs), a.Figures.Count.ToString(), archived.Revision.ToString(), archived.ContentSha256,
            archived.FirstSeen.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            archived.LastChanged!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), a.Extractor,
        ];
    }

    private async Task<List<ArchivedArticle>> ArchivedAsync()
    {
        await using var store = await OpenAsync(Db, ArchiveAccess.ReadOnly);
        var articles = new List<ArchivedArticle>();
        await foreach (var article in store.Reader.ReadArticlesAsync())
            articles.Add(article);
        return articles;
    }

    [Fact]
    public async Task With_raw_every_field_reads_back_identical()
    {
        await StoreAsync(Db, AwkwardArticles());
        var csv = ParseCsv(await ExportAsync("--raw"));

        Assert.Equal(CsvArticleWriter.ArticleColumns, csv.Header);
        Assert.Equal(["url", "site", "section", "title", "subtitle", "published", "source", "byline", "text", "figure_count", "revision",
            "content_sha256", "first_seen", "last_changed", "extractor"], csv.Header);
        var archived = await ArchivedAsync();
        Assert.Equal(3, csv.Rows.Count);
        for (var i = 0; i < archived.Count; i++)
            Assert.Equal(ExpectedRow(archived[i]), csv.Rows[i]);
        // The hand-built values themselves, not only the archive's copy of them.
        Assert.Equal("He said \"hello, world\", then left", csv.Rows[0][3]);
        Assert.StartsWith("First line\r\nsecond line", csv.Rows[0][8]);
        Assert.Contains("👩‍👩‍👧", csv.Rows[0][8]);
        Assert.Contains("无锡国家高新技术产业开发区", csv.Rows[0][8]);
        Assert.Equal("\rStarts with a carriage return\n\n-5 degrees overnight\n\n+ plus\n\n@ at", csv.Rows[1][8]);
    }

    [Fact]
    public async Task By_default_only_values_that_start_like_a_formula_gain_a_single_quote()
    {
        await StoreAsync(Db, AwkwardArticles());
        var csv = ParseCsv(await ExportAsync());

        var archived = await ArchivedAsync();
        var prefixed = 0;
        for (var row = 0; row < archived.Count; row++)
        {
            var raw = ExpectedRow(archived[row]);
            for (var column = 0; column < raw.Length; column++)
            {
                var expected = LooksLikeFormula(raw[column]) ? "'" + raw[column] : raw[column];
                Assert.True(expected == csv.Rows[row][column], $"row {row}, {csv.Header[column]}: '{csv.Rows[row][column]}', expected '{expected}'");
                if (expected != raw[column]) prefixed++;
            }
        }
        // subtitle '=…', section '+…', source '@…', byline '-…' of the first; title '\t…' and text '\r…' of the second.
        Assert.Equal(6, prefixed);
        Assert.Equal("'=HYPERLINK(\"http://attacker.example/\",\"click\")", csv.Column("subtitle")[0]);
        // A quote, a quoted formula and an inner '=' are left alone; so is a paragraph starting '=' after the first.
        Assert.Equal(["'Already quoted", "\"=not a formula\"", "x=1"], [csv.Column("subtitle")[1], csv.Column("section")[1], csv.Column("source")[1]]);
        Assert.Contains("\n\n=1+1 is a formula only at the start", csv.Column("text")[0]);
    }

    [Fact]
    public async Task Figures_export_one_row_per_figure()
    {
        await StoreAsync(Db, [.. AwkwardArticles(), WuxiArticle()]);
        var raw = ParseCsv(await ExportAsync("--figures", "--raw"));

        Assert.Equal(["url", "revision", "ordinal", "src", "alt", "caption", "credit", "image_sha256", "media"], raw.Header);
        var expected = new List<string[]>();
        foreach (var archived in await ArchivedAsync())
            for (var i = 0; i < archived.Article.Figures.Count; i++)
            {
                var f = archived.Article.Figures[i];
                expected.Add([archived.Article.Url!, archived.Revision.ToString(), i.ToString(), f.Src, f.Alt ?? "", f.Caption ?? "", f.Credit ?? "", "", f.Media ?? "image"]);
            }
        Assert.Equal(3, expected.Count);
        Assert.Equal(expected, raw.Rows);

        var neutralised = ParseCsv(await ExportAsync("--figures"));
        Assert.Equal("'=cmd|' /C calc'!A0", neutralised.Column("alt")[0]);
        Assert.Equal("'@credit", neutralised.Column("credit")[0]);
        Assert.Equal("\"Quoted\" caption,\nover two lines", neutralised.Column("caption")[0]);
    }

    [Fact]
    public async Task The_file_is_rfc4180_utf8_with_a_byte_order_mark_only_when_asked()
    {
        await StoreAsync(Db, AwkwardArticles());
        var plain = await ExportAsync();
        var withBom = await ExportAsync("--bom");

        Assert.False(plain.AsSpan().StartsWith(Encoding.UTF8.Preamble));
        Assert.Equal([0xEF, 0xBB, 0xBF], withBom[..3]);
        Assert.Equal(plain, withBom[3..]);
        // Records end with CRLF; the LF of a paragraph break stays inside its quoted field.
        var text = Encoding.UTF8.GetString(plain);
        Assert.StartsWith(string.Join(",", CsvArticleWriter.ArticleColumns) + "\r\n", text);
        Assert.EndsWith(",site:wnd.gov.cn\r\n", text);
        Assert.Contains("overnight\n\n+ plus", text);
        Assert.Equal(ParseCsv(plain).Rows, ParseCsv(withBom).Rows);
    }

    [Theory]
    [InlineData("import")]
    [InlineData("crawl")]
    public async Task The_samples_export_as_show_prints_them(string how)
    {
        await (how == "crawl" ? CrawlSamplesAsync(Db) : ImportSamplesAsync(Db));
        // The default output: the standard output.
        var result = await CliRunner.RunAsync("export", "--db", Db);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        Assert.Equal("", result.Error);
        var csv = ParseCsv(Encoding.UTF8.GetBytes(result.Out));

        var list = await CliRunner.RunAsync("list", "--db", Db, "--format", "json");
        var pages = JsonNode.Parse(list.Out)!.AsArray();
        Assert.True(pages.Count >= 18, "the samples are missing");
        Assert.Equal(pages.Select(p => (string)p!["url"]!), csv.Column("url"));
        foreach (var row in csv.Rows)
        {
            var show = JsonNode.Parse((await CliRunner.RunAsync("show", row[0], "--db", Db)).Out)!;
            var expected = new[]
            {
                (string)show["url"]!, (string?)show["site"] ?? "", (string?)show["section"] ?? "", (string?)show["title"] ?? "",
                (string?)show["subtitle"] ?? "", (string?)show["published"] ?? "", (string?)show["source"] ?? "", (string?)show["byline"] ?? "",
                string.Join("\n\n", show["paragraphs"]!.AsArray().Select(p => (string)p!)), show["figures"]!.AsArray().Count.ToString(),
                ((int)show["revision"]!).ToString(), (string)show["content_sha256"]!, (string)show["first_seen"]!, (string)show["last_changed"]!,
                (string)show["extractor"]!,
            };
            Assert.Equal(expected.Select(v => LooksLikeFormula(v) ? "'" + v : v), row);
        }
    }

    /// <summary>
    /// Every revision on a timeline: revision 1 first captured at T0 and last seen at +4h (the page went back to it),
    /// revision 2 first captured at +2h and last confirmed by a 304 at +3h.
    /// </summary>
    [Fact]
    public async Task All_revisions_rows_carry_when_each_revision_was_first_and_last_captured()
    {
        var first = WuxiArticle();
        var second = first with { Title = "Corrected title" };
        await using (var store = await OpenAsync(Db))
        {
            await store.Captures.StorePageAsync(Capture(first, T0), first);
            await store.Captures.StorePageAsync(Capture(first, T0.AddHours(1), boilerplate: "9.99K"), first);
            await store.Captures.StorePageAsync(Capture(second, T0.AddHours(2)), second);
            await store.Captures.StoreNotModifiedAsync(new Uri(first.Url!), T0.AddHours(3), "\"x\"", null, null);
            await store.Captures.StorePageAsync(Capture(first, T0.AddHours(4)), first);
        }

        var csv = ParseCsv(await ExportAsync("--all-revisions"));
        Assert.Equal(
        [
            "url", "site", "section", "title", "subtitle", "published", "source", "byline", "text", "figure_count", "revision",
            "content_sha256", "first_seen", "last_changed", "revision_first_seen", "revision_captured_at", "extractor",
        ], csv.Header);
        Assert.Equal(["1", "2"], csv.Column("revision"));
        Assert.Equal(["2024-03-15T09:00:00.000Z", "2024-03-15T11:00:00.000Z"], csv.Column("revision_first_seen"));
        Assert.Equal(["2024-03-15T13:00:00.000Z", "2024-03-15T12:00:00.000Z"], csv.Column("revision_captured_at"));
        // The page's own columns are the same on every row.
        Assert.Equal(["2024-03-15T09:00:00.000Z", "2024-03-15T09:00:00.000Z"], csv.Column("first_seen"));
        Assert.Equal(["2024-03-15T13:00:00.000Z", "2024-03-15T13:00:00.000Z"], csv.Column("last_changed"));

        // One row per page keeps its columns as they were.
        Assert.Equal(CsvArticleWriter.ArticleColumns, ParseCsv(await ExportAsync()).Header);
    }
}
