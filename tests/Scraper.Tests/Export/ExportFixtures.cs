using CsvHelper;
using Scraper.Archive;
using Scraper.Cli;
using Scraper.Extraction;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;

namespace Scraper.Tests.Export;

/// <summary>Archives to export: the samples (crawled from the mirror or imported) and hand-built articles with awkward text.</summary>
public static class ExportFixtures
{
    /// <summary>The README's main job: a crawl of the samples folder as a mirror (fetched captures with HTTP facts).</summary>
    public static async Task CrawlSamplesAsync(string db)
    {
        var crawl = await CliRunner.RunAsync("crawl", "--mirror", RepoPaths.Samples, "--db", db, "--quiet");
        Assert.True(crawl.ExitCode == ExitCodes.Ok, crawl.Error);
    }

    /// <summary>The samples imported as saved files (captures without an HTTP response).</summary>
    public static async Task ImportSamplesAsync(string db)
    {
        var import = await CliRunner.RunAsync("import", RepoPaths.Samples, "--db", db);
        Assert.True(import.ExitCode == ExitCodes.Ok, import.Error);
    }

    /// <summary>
    /// Articles whose every field is hard for CSV: quotes, commas, embedded CR/LF, CJK, emoji (with joiners), leading
    /// formula characters, a leading tab and CR, text that only looks dangerous (a quote, an inner '=').
    /// </summary>
    public static IReadOnlyList<Article> AwkwardArticles() =>
    [
        WuxiArticle("https://en.wuxi.gov.cn/2024-02/29/c_1000001.htm") with
        {
            Title = "He said \"hello, world\", then left",
            Subtitle = "=HYPERLINK(\"http://attacker.example/\",\"click\")",
            Section = "+86 510 8181 2345",
            Published = "2024-02-29",
            Source = "@wuxi_official",
            Byline = "-Zhang Wei",
            Paragraphs =
            [
                "First line\r\nsecond line of the same paragraph, with \"quotes\" and a comma",
                "无锡国家高新技术产业开发区 — 中文段落，带全角标点。",
                "Emoji 😀🎉 and a family 👩‍👩‍👧 and a flag 🇨🇳",
                "=1+1 is a formula only at the start of a field",
            ],
            Figures = [new Figure("https://en.wuxi.gov.cn/images/图片 (1).jpg", "=cmd|' /C calc'!A0", "\"Quoted\" caption,\nover two lines", "@credit", 0)],
        },
        WuxiArticle("https://en.wuxi.gov.cn/2024-03/01/c_1000002.htm") with
        {
            Title = "\tTabbed title",
            Subtitle = "'Already quoted",
            Section = "\"=not a formula\"",
            Byline = "By Li Na",
            Source = "x=1",
            Paragraphs = ["\rStarts with a carriage return", "-5 degrees overnight", "+ plus", "@ at"],
            Figures = [],
        },
        WuxiArticle("https://www.wndonline.cn/2024-03/02/c_1000003.htm") with
        {
            Site = "wnd.gov.cn",
            Extractor = "site:wnd.gov.cn",
            Title = "A plain title",
            Subtitle = null,
            Section = null,
            Published = null,
            Source = null,
            Byline = null,
            Paragraphs = ["Plain text."],
            Figures = [],
        },
    ];

    /// <summary>Stores <paramref name="articles"/> one capture each, an hour apart from <see cref="ArchiveFixtures.T0"/>.</summary>
    public static async Task StoreAsync(string db, IEnumerable<Article> articles)
    {
        await using var store = await OpenAsync(db);
        var at = T0;
        foreach (var article in articles)
        {
            await store.Captures.StorePageAsync(Capture(article, at), article);
            at = at.AddHours(1);
        }
    }

    /// <summary>Parses CSV with CsvHelper (RFC 4180, comma): the header and the rows, as strings.</summary>
    public static (string[] Header, List<string[]> Rows) ParseCsv(byte[] csv)
    {
        using var reader = CsvReader.Create(csv, CsvReaderOptions.Default with { Separator = ',' });
        var rows = new List<string[]>();
        while (reader.Read())
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        return ([.. reader.Headers], rows);
    }

    public static string[] Column(this (string[] Header, List<string[]> Rows) csv, string name)
    {
        var index = Array.IndexOf(csv.Header, name);
        Assert.True(index >= 0, $"no column {name}");
        return [.. csv.Rows.Select(r => r[index])];
    }

    /// <summary>The characters OWASP lists as starting a spreadsheet formula.</summary>
    public static bool LooksLikeFormula(string value) => value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
}

/// <summary>A test's own folder with its archive path, removed after the test.</summary>
public abstract class ExportTestFolder : IDisposable
{
    protected readonly TempFolder folder = new();

    protected string Db => folder.File("archive.db");

    public void Dispose()
    {
        folder.Dispose();
        GC.SuppressFinalize(this);
    }
}
