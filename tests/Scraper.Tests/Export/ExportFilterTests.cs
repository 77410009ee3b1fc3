using System.Text;
using Scraper.Cli;
using Scraper.Extraction;
using Scraper.Tests.Support;
using static Scraper.Tests.Archive.ArchiveFixtures;
using static Scraper.Tests.Export.ExportFixtures;

namespace Scraper.Tests.Export;

/// <summary>
/// The selection options over one archive: A (wuxi, published 2023-11-23), B (wnd, 2024-01-10), C (wnd, no date) and
/// D (wuxi, revision 1 published 2023-12-31, revision 2 re-dated 2024-03-01 a day later).
/// </summary>
public sealed class ExportFilterTests : ExportTestFolder
{
    private const string A = "https://en.wuxi.gov.cn/2023-11/23/c_1.htm";
    private const string B = "https://www.wndonline.cn/2024-01/10/c_2.htm";
    private const string C = "https://www.wndonline.cn/about/c_3.htm";
    private const string D = "https://en.wuxi.gov.cn/2023-12/31/c_4.htm";

    public ExportFilterTests()
    {
        static Article Wnd(string url, string? published) =>
            WuxiArticle(url) with { Site = "wnd.gov.cn", Extractor = "site:wnd.gov.cn", Published = published };
        var d1 = WuxiArticle(D) with { Published = "2023-12-31", Title = "Before the correction" };
        var d2 = d1 with { Published = "2024-03-01", Title = "After the correction" };
        using var store = OpenAsync(Db).GetAwaiter().GetResult();
        foreach (var (article, at) in new[]
                 {
                     (WuxiArticle(A) with { Published = "2023-11-23" }, T0), (Wnd(B, "2024-01-10"), T0), (Wnd(C, null), T0),
                     (d1, T0), (d2, T0.AddDays(1)),
                 })
            store.Captures.StorePageAsync(Capture(article, at), article).GetAwaiter().GetResult();
    }

    /// <summary>The exported (url, revision) rows, in order.</summary>
    private async Task<string[]> RowsAsync(params string[] args)
    {
        var result = await CliRunner.RunAsync(["export", "--db", Db, .. args]);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        var csv = ParseCsv(Encoding.UTF8.GetBytes(result.Out));
        return [.. csv.Column("url").Zip(csv.Column("revision"), (url, revision) => $"{url[^7..]}#{revision}")];
    }

    private static string Row(string url, int revision) => $"{url[^7..]}#{revision}";

    [Fact]
    public async Task No_filter_exports_each_page_current_revision_in_archive_order() =>
        Assert.Equal([Row(A, 1), Row(B, 1), Row(C, 1), Row(D, 2)], await RowsAsync());

    [Fact]
    public async Task Site_selects_a_family() =>
        Assert.Equal([Row(B, 1), Row(C, 1)], await RowsAsync("--site", "wnd.gov.cn"));

    [Fact]
    public async Task Since_and_until_are_inclusive_on_the_current_published_date_and_leave_out_undated_articles()
    {
        Assert.Equal([Row(B, 1), Row(D, 2)], await RowsAsync("--since", "2024-01-10"));
        Assert.Equal([Row(A, 1)], await RowsAsync("--until", "2023-12-31"));
        Assert.Equal([Row(B, 1)], await RowsAsync("--since", "2024-01-01", "--until", "2024-01-10"));
        // A date-time counts by its date.
        Assert.Equal([Row(D, 2)], await RowsAsync("--since", "2024-03-01T23:59:00Z"));
    }

    [Fact]
    public async Task Changed_since_selects_by_when_the_current_content_was_first_seen()
    {
        Assert.Equal([Row(D, 2)], await RowsAsync("--changed-since", T0.AddHours(1).ToString("O")));
        Assert.Equal([Row(A, 1), Row(B, 1), Row(C, 1), Row(D, 2)], await RowsAsync("--changed-since", "2024-03-15"));
    }

    [Fact]
    public async Task All_revisions_gives_every_revision_of_the_selected_pages_oldest_first()
    {
        Assert.Equal([Row(A, 1), Row(B, 1), Row(C, 1), Row(D, 1), Row(D, 2)], await RowsAsync("--all-revisions"));
        // Pages are selected by their current revision, then come whole: D's first revision was dated 2023-12-31.
        Assert.Equal([Row(A, 1)], await RowsAsync("--all-revisions", "--until", "2023-12-31"));
        Assert.Equal([Row(D, 1), Row(D, 2)], await RowsAsync("--all-revisions", "--since", "2024-02-01"));
        var result = await CliRunner.RunAsync("export", "--db", Db, "--all-revisions", "--site", "en.wuxi.gov.cn");
        Assert.Equal([WuxiArticle().Title!, "Before the correction", "After the correction"], ParseCsv(Encoding.UTF8.GetBytes(result.Out)).Column("title"));
    }

    [Fact]
    public async Task Filters_apply_to_figures_and_jsonl_alike()
    {
        var figures = ParseCsv(Encoding.UTF8.GetBytes((await CliRunner.RunAsync("export", "--db", Db, "--figures", "--site", "wnd.gov.cn")).Out));
        Assert.Equal([B, B, C, C], figures.Column("url"));
        var jsonl = (await CliRunner.RunAsync("export", "--db", Db, "--format", "jsonl", "--all-revisions", "--since", "2024-02-01")).Out;
        Assert.Equal(2, jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Contains(D, line));
    }
}
