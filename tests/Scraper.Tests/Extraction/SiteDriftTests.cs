using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Scraper.Tests.Support;

namespace Scraper.Tests.Extraction;

/// <summary>
/// Template drift seen the day it happens, end to end from the CLI: the crawl counts the pages whose selectors missed a
/// field the page shows, <c>runs</c> and the run's JSON show it, <c>rules check</c> tells which selector to fix, a
/// <c>--rules</c> file fixes it for crawl, import and reextract, and a page keeps the site it was archived under.
/// </summary>
public sealed class SiteDriftTests : IDisposable
{
    private const string WndRulesFile = "src/Scraper/Sites/Rules/wnd.gov.cn.json";
    private const string DriftedPage = "/2019-06/04/c_346512.htm";
    private readonly TempFolder _temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private static long Scalar(string db, string sql) => Scraper.Tests.Archive.ArchiveFixtures.Count(db, sql);

    /// <summary>The WND site from the samples on 127.0.0.1, its date line's class renamed on one page.</summary>
    private static async Task<LoopbackSite> DriftedSiteAsync()
    {
        var site = await LoopbackSite.StartAsync(RepoPaths.Samples, "www.wndonline.cn");
        var html = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "www.wndonline.cn", "2019-06", "04", "c_346512.htm"));
        var drifted = html.Replace("<div class=\"d-info\">", "<div class=\"meta-line\">", StringComparison.Ordinal);
        Assert.NotEqual(html, drifted);
        site.On(DriftedPage, LoopbackResponse.Html(drifted));
        return site;
    }

    private Task<CliResult> CrawlAsync(LoopbackSite site, string db, params string[] more) =>
        CliRunner.RunAsync(["crawl", "--start", site.Url("/news.html").AbsoluteUri, "--site", "wnd.gov.cn", "--delay", "0", "--db", db, "--quiet", .. more]);

    [Fact]
    public async Task A_crawl_counts_the_pages_whose_selectors_missed_a_field_and_a_rules_file_fixes_them()
    {
        await using var site = await DriftedSiteAsync();
        var db = _temp.File("archive.db");
        var crawl = await CrawlAsync(site, db, "--format", "json");
        Assert.True(crawl.ExitCode == 0, crawl.Error);
        using (var summary = JsonDocument.Parse(crawl.Out))
        {
            Assert.Equal(1, summary.RootElement.GetProperty("selector_misses").GetInt32());
            Assert.Equal(0, summary.RootElement.GetProperty("generic_fallbacks").GetInt32());
        }
        // The page itself lost nothing: its date and source came from its header lines.
        var show = await CliRunner.RunAsync("show", site.Url(DriftedPage).AbsoluteUri, "--db", db, "--format", "json");
        var shown = JsonNode.Parse(show.Out)!;
        Assert.Equal("2019-06-04", (string?)shown["published"]);
        Assert.Equal("chinadaily.com.cn", (string?)shown["source"]);
        Assert.Equal("anatomy", (string?)shown["provenance"]!["published"]);

        var runs = await CliRunner.RunAsync("runs", "--db", db, "--format", "json");
        Assert.Equal(1, (int)JsonNode.Parse(runs.Out)![0]!["selector_misses"]!);
        var table = (await CliRunner.RunAsync("runs", "--db", db)).Out.Split('\n');
        Assert.EndsWith("MISSES", table[0].TrimEnd());
        Assert.EndsWith(" 1", table[1].TrimEnd());

        // The operator adds the new class to the rules: the next crawl reads every field by selector again, and the
        // article, which did not change, gets no new revision.
        var rules = _temp.Write("wnd-fixed.json", File.ReadAllText(Path.Combine(RepoPaths.Root, WndRulesFile))
            .Replace("\"info\": [\".d-info\",", "\"info\": [\".d-info\", \".meta-line\",", StringComparison.Ordinal));
        var fixedCrawl = await CrawlAsync(site, db, "--revisit", "all", "--rules", rules);
        Assert.True(fixedCrawl.ExitCode == 0, fixedCrawl.Error);
        Assert.Contains("0 changed", fixedCrawl.Out);
        Assert.Contains("0 generic fallbacks, 0 with selector misses", fixedCrawl.Out);
        Assert.Equal(0, Scalar(db, "SELECT selector_misses FROM runs ORDER BY id DESC LIMIT 1"));
    }

    [Fact]
    public async Task Rules_check_tells_per_selector_and_per_field_what_the_recent_captures_gave()
    {
        var db = _temp.File("archive.db");
        var crawl = await CliRunner.RunAsync("crawl", "--mirror", RepoPaths.Samples, "--db", db, "--quiet");
        Assert.True(crawl.ExitCode == 0, crawl.Error);

        var check = await CliRunner.RunAsync("rules", "check", "--db", db, "--format", "json");
        Assert.True(check.ExitCode == 0, check.Error);
        var sites = JsonNode.Parse(check.Out)!["sites"]!.AsArray();
        Assert.Equal(["en.wuxi.gov.cn", "wnd.gov.cn"], sites.Select(s => (string?)s!["site"]));
        // The expected counts are the samples' own: each verified extraction says where its fields came from.
        var samples = Directory.EnumerateFiles(RepoPaths.Samples, "*.verified.json", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".links.verified.json", StringComparison.Ordinal) && !System.Text.RegularExpressions.Regex.IsMatch(f, @"_\d{1,2}\.verified\.json$"))
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!).ToList();
        foreach (var site in sites)
        {
            var name = (string)site!["site"]!;
            var pages = samples.Where(s => (string?)s["site"] == name).ToList();
            Assert.Equal(pages.Count, (int)site["pages"]!);
            foreach (var field in site["fields"]!.AsArray())
            {
                var fieldName = (string)field!["field"]!;
                foreach (var from in new[] { "selector", "anatomy", "generic", "meta", "url" })
                    Assert.True(pages.Count(p => (string?)p["provenance"]![fieldName] == from) == (int)field[from]!, $"{name} {fieldName} from {from}");
                Assert.Equal(pages.Count(p => (string?)p["provenance"]![fieldName] is "anatomy" or "generic"), (int)field["missed"]!);
            }
            var content = site["selectors"]!.AsArray().Single(s => (string?)s!["selector"] == "#Content")!;
            Assert.Equal(pages.Count(p => (string?)p["provenance"]!["body"] == "selector"), (int)content["matched"]!);
        }

        var text = await CliRunner.RunAsync("rules", "check", "--db", db, "--site", "wnd.gov.cn");
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains("wnd.gov.cn: 23 page(s)", text.Out);
        Assert.DoesNotContain("en.wuxi.gov.cn:", text.Out);
        Assert.Matches(@"section: the selectors \(\.bread, \.crumb, \.position\) missed it on \d+ of 23 page\(s\) that show it, e\.g\. https://", text.Out);

        var none = await CliRunner.RunAsync("rules", "check", "--db", db, "--since", "2999-01-01");
        Assert.Equal(4, none.ExitCode);
        Assert.Contains("nothing to check", none.Error);
        Assert.Equal(2, (await CliRunner.RunAsync("rules", "check", "--db", db, "--site", "example.org")).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync("rules", "check", "--db", db, "--rules", _temp.Write("bad.json", "{"))).ExitCode);
    }

    [Fact]
    public async Task Import_and_reextract_take_a_rules_file_and_reextract_adds_a_revision_only_where_the_article_changed()
    {
        var page = Path.Combine(RepoPaths.Samples, "global.chinadaily.com.cn", "m", "jiangsu", "wuxi", "2015-03", "11", "content_19781642.htm");
        var url = "https://global.chinadaily.com.cn/m/jiangsu/wuxi/2015-03/11/content_19781642.htm";
        // The 2017 template's class names, added to the portal's rules.
        var rules = _temp.Write("wuxi-2017.json", File.ReadAllText(Path.Combine(RepoPaths.Root, "src/Scraper/Sites/Rules/en.wuxi.gov.cn.json"))
            .Replace("\"title\": [", "\"title\": [\".tt\", ", StringComparison.Ordinal)
            .Replace("\"breadcrumb\": [", "\"breadcrumb\": [\".lj\", ", StringComparison.Ordinal)
            .Replace("\"info\": [\".art-info\"", "\"info\": [\".ly\", \".art-info\"", StringComparison.Ordinal)
            .Replace("\"body\": [", "\"body\": [\".zw\", ", StringComparison.Ordinal));
        var db = _temp.File("archive.db");
        var import = await CliRunner.RunAsync("import", page, "--db", db, "--rules", rules);
        Assert.True(import.ExitCode == 0, import.Error);
        var shown = JsonNode.Parse((await CliRunner.RunAsync("show", url, "--db", db, "--format", "json")).Out)!;
        foreach (var field in new[] { "title", "section", "published", "source", "byline", "body" })
            Assert.Equal("selector", (string?)shown["provenance"]![field]);

        // The same article read by the anatomy (the embedded rules) or by the rules file: no new revision either way.
        var reextract = await CliRunner.RunAsync("reextract", "--db", db);
        Assert.True(reextract.ExitCode == 0, reextract.Error);
        Assert.Contains("0 new revision(s)", reextract.Out);
        Assert.Contains("0 new revision(s)", (await CliRunner.RunAsync("reextract", "--db", db, "--rules", rules)).Out);
        Assert.Equal(1, Scalar(db, "SELECT count(*) FROM revisions"));
        Assert.Equal(2, (await CliRunner.RunAsync("reextract", "--db", db, "--rules", _temp.File("missing.json"))).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync("import", page, "--db", db, "--rules", _temp.Write("empty.json", "[{\"site\": \"x\"}]"))).ExitCode);
    }

    [Fact]
    public async Task A_page_crawled_from_another_host_under_a_site_is_reextracted_with_that_sites_rules()
    {
        await using var site = await LoopbackSite.StartAsync(RepoPaths.Samples, "www.wndonline.cn");
        var db = _temp.File("archive.db");
        var crawl = await CrawlAsync(site, db);
        Assert.True(crawl.ExitCode == 0, crawl.Error);
        var revisions = Scalar(db, "SELECT count(*) FROM revisions");
        Assert.True(revisions >= 5);
        // Every page is stored under the site whose rules read it, continuation pages and lists included.
        Assert.Equal(0, Scalar(db, "SELECT count(*) FROM pages WHERE site IS NOT 'wnd.gov.cn'"));
        Assert.True(Scalar(db, "SELECT count(*) FROM pages WHERE continuation_of IS NOT NULL") >= 2);

        var reextract = await CliRunner.RunAsync("reextract", "--db", db);
        Assert.True(reextract.ExitCode == 0, reextract.Error);
        Assert.Contains("0 new revision(s)", reextract.Out);
        Assert.Equal(revisions, Scalar(db, "SELECT count(*) FROM revisions"));
        Assert.Equal(0, Scalar(db, "SELECT count(*) FROM revisions WHERE extractor <> 'site:wnd.gov.cn'"));

        // Without the stored site, 127.0.0.1 has no rules: the generic reading differs, and revisions would be added.
        using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var forget = connection.CreateCommand();
            forget.CommandText = "UPDATE pages SET site = NULL";
            forget.ExecuteNonQuery();
        }
        var blind = await CliRunner.RunAsync("reextract", "--db", db);
        Assert.DoesNotContain(" 0 new revision(s)", blind.Out);
        Assert.True(Scalar(db, "SELECT count(*) FROM revisions") > revisions);
    }
}
