using System.Text.Json;
using Scraper.Cli;
using Scraper.Tests.Support;

namespace Scraper.Tests.Diffing;

/// <summary>
/// <c>scraper diff</c> end to end: three versions of a sample page imported with <c>scraper import</c> into a real
/// SQLite archive in a temporary folder, then diffed through the CLI.
/// </summary>
public sealed class DiffArchiveTests : IDisposable
{
    private const string Url = "https://www.wndonline.cn/2019-06/04/c_346512.htm";
    private const string Paragraph3 = "<p>Jiangsu province also signed an agreement with SK Group to deepen cooperation in the semiconductor industry, medicine, education and finance.</p>";
    private readonly TempFolder _folder = new();

    private string Db => _folder.File("archive.db");

    public void Dispose() => _folder.Dispose();

    private Task<CliResult> Scraper(params string[] args) => CliRunner.RunAsync([.. args, "--db", Db]);

    /// <summary>Revision 1 is the sample; 2 fixes its typo and a caption; 3 also drops a paragraph.</summary>
    private async Task ImportThreeVersionsAsync()
    {
        var original = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "www.wndonline.cn/2019-06/04/c_346512.htm"));
        Assert.Contains(Paragraph3, original);
        var fixedTypo = original.Replace("bliion", "billion").Replace("Wang Jinjian (R4)", "Wang Jinjian (R3)");
        var versions = new[] { original, fixedTypo, fixedTypo.Replace(Paragraph3, "") };
        for (var k = 0; k < versions.Length; k++)
        {
            var file = _folder.Write($"v{k + 1}/c_346512.htm", versions[k]);
            var import = await Scraper("import", file, "--url", Url);
            Assert.True(import.ExitCode == ExitCodes.Ok, import.Error);
        }
    }

    [Fact]
    public async Task The_last_two_revisions_by_default_and_any_two_on_request()
    {
        await ImportThreeVersionsAsync();

        var latest = await Scraper("diff", Url);
        Assert.True(latest.ExitCode == 0, latest.Error);
        Assert.Contains("--- revision 2, captured ", latest.Out);
        Assert.Contains("+++ revision 3, captured ", latest.Out);
        Assert.Contains("\n1 paragraph removed\n", latest.Out);
        Assert.Contains("@@ paragraph 3 removed @@\n-Jiangsu province also signed", latest.Out);

        var first = await Scraper("diff", Url, "--from", "1", "--to", "2");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("\n1 paragraph changed, 1 figure changed\n", first.Out);
        Assert.Contains("$8.6 [-bliion-]{+billion+} in Wuxi", first.Out);
        Assert.Contains(" caption: Wuxi Deputy Mayor Wang Jinjian ([-R4-]{+R3+}) visits South Korean enterprises.", first.Out);
        Assert.DoesNotContain('\u001b', first.Out);
    }

    [Fact]
    public async Task Json_and_html_from_the_archive()
    {
        await ImportThreeVersionsAsync();
        var json = await Scraper("diff", "1", "--from", "1", "--format", "json");
        Assert.True(json.ExitCode == 0, json.Error);
        var document = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal(Url, document.GetProperty("url").GetString());
        Assert.Equal((1, 3), (document.GetProperty("from").GetProperty("revision").GetInt32(), document.GetProperty("to").GetProperty("revision").GetInt32()));
        Assert.Matches("^[0-9a-f]{64}$", document.GetProperty("to").GetProperty("content_sha256").GetString());
        Assert.NotEqual(document.GetProperty("from").GetProperty("content_sha256").GetString(), document.GetProperty("to").GetProperty("content_sha256").GetString());
        Assert.Equal(
            [("paragraph", "removed", 2), ("paragraph", "changed", 2), ("figure", "changed", 1)],
            document.GetProperty("changes").EnumerateArray().Select(c => (c.GetProperty("field").GetString(), c.GetProperty("kind").GetString(), c.GetProperty("index").GetInt32())));

        var html = _folder.File("diff.html");
        var written = await Scraper("diff", Url, "--format", "html", "--out", html);
        Assert.Equal((0, $"{html}: 1 paragraph removed (revision 2 → 3)\n"), (written.ExitCode, written.Out));
        Assert.Contains("Jiangsu province also signed", await File.ReadAllTextAsync(html));
    }

    [Fact]
    public async Task A_page_imported_once_has_no_changes()
    {
        var file = _folder.Write("c_346512.htm", await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "www.wndonline.cn/2019-06/04/c_346512.htm")));
        Assert.Equal(0, (await Scraper("import", file, "--url", Url)).ExitCode);
        Assert.Equal(0, (await Scraper("import", file, "--url", Url)).ExitCode);
        var result = await Scraper("diff", Url);
        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith("\nno changes\n", result.Out);
        Assert.Contains("single revision", result.Error);
    }

    [Fact]
    public async Task Unknown_pages_and_revisions_exit_with_1()
    {
        await ImportThreeVersionsAsync();
        var page = await Scraper("diff", "https://www.wndonline.cn/2019-06/04/c_999.htm");
        Assert.Equal((1, "", "scraper: no page 'https://www.wndonline.cn/2019-06/04/c_999.htm' in the archive\n"), (page.ExitCode, page.Out, page.Error));
        var id = await Scraper("diff", "42");
        Assert.Equal((1, "scraper: no page '42' in the archive\n"), (id.ExitCode, id.Error));
        var revision = await Scraper("diff", Url, "--to", "4");
        Assert.Equal((1, $"scraper: {Url} has no revision 4 (--to); it has revisions 1–3\n"), (revision.ExitCode, revision.Error));
    }

    [Fact]
    public async Task A_missing_archive_is_one_line_and_no_stack_trace()
    {
        var result = await Scraper("diff", Url);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", result.Error);
    }
}
