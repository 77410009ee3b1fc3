using System.CommandLine;
using System.Text.Json;
using Scraper.Cli;
using Scraper.Cli.Commands;
using Scraper.Diffing;
using Scraper.Extraction;
using Scraper.Tests.Support;

namespace Scraper.Tests.Diffing;

/// <summary>
/// <c>scraper diff</c> over revisions held in memory: revision choice, formats, --out, colour and the exit codes.
/// (<see cref="DiffArchiveTests"/> runs it end to end over a real archive.)
/// </summary>
public sealed class DiffCommandTests
{
    private const string KoreaUrl = "https://www.wndonline.cn/2019-06/04/c_346512.htm";

    /// <summary>Page 7 has three revisions (a typo fixed, then the title changed); page 8 only one.</summary>
    private sealed class RevisionsInMemory : IRevisionSource
    {
        private readonly Dictionary<long, (string Url, List<Article> Revisions)> _pages = new();

        public RevisionsInMemory()
        {
            var typo = RevisionPairs.Get("typo-fix");
            _pages[7] = (KoreaUrl, [typo.From, typo.To, typo.To with { Title = "Wuxi deepens cooperation with Japan and South Korea" }]);
            _pages[8] = ("https://en.wuxi.gov.cn/2023-11/23/c_941797.htm", [RevisionPairs.Get("title-change").From]);
        }

        public Task<RevisionHistory?> FindPageAsync(string urlOrPageId, CancellationToken cancellationToken)
        {
            var page = _pages.Where(p => p.Key.ToString() == urlOrPageId || p.Value.Url == urlOrPageId).Select(p => (KeyValuePair<long, (string, List<Article>)>?)p).FirstOrDefault();
            return Task.FromResult(page is { } found
                ? new RevisionHistory(found.Key, found.Value.Item1, Enumerable.Range(1, found.Value.Item2.Count).ToList())
                : null);
        }

        public Task<StoredRevision?> GetRevisionAsync(long pageId, int revision, CancellationToken cancellationToken)
        {
            if (!_pages.TryGetValue(pageId, out var page) || revision < 1 || revision > page.Revisions.Count) return Task.FromResult<StoredRevision?>(null);
            var info = new RevisionInfo(revision, new DateTimeOffset(2024, 1, revision, 12, 0, 0, TimeSpan.Zero), $"{revision:D2}".PadRight(64, 'f'));
            return Task.FromResult<StoredRevision?>(new StoredRevision(page.Revisions[revision - 1], info));
        }
    }

    /// <summary>Parses and runs <c>scraper diff ARGS</c> as <see cref="ScraperCli.RunAsync"/> does, over the in-memory revisions.</summary>
    private static async Task<CliResult> DiffAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var root = new RootCommand { DiffCommand.Create(new CliContext(stdout, stderr), (_, _) => Task.FromResult<IRevisionSource>(new RevisionsInMemory())) };
        var parse = root.Parse(["diff", .. args]);
        if (parse.Errors.Count > 0) return new CliResult(ExitCodes.Usage, "", string.Join("\n", parse.Errors.Select(e => e.Message)));
        try
        {
            var code = await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
            return new CliResult(code, stdout.ToString(), stderr.ToString());
        }
        catch (UsageException e) { return new CliResult(ExitCodes.Usage, stdout.ToString(), e.Message); }
        catch (CommandFailedException e) { return new CliResult(e.ExitCode, stdout.ToString(), e.Message); }
    }

    [Fact]
    public async Task By_default_the_last_two_revisions_are_compared()
    {
        var result = await DiffAsync("7");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--- revision 2, captured 2024-01-02 12:00:00 UTC", result.Out);
        Assert.Contains("+++ revision 3, captured 2024-01-03 12:00:00 UTC", result.Out);
        Assert.Contains("\ntitle changed\n", result.Out);
        Assert.DoesNotContain("bliion", result.Out);
        Assert.DoesNotContain('\u001b', result.Out);
    }

    [Fact]
    public async Task From_and_to_choose_the_revisions_by_url_or_id()
    {
        var byUrl = await DiffAsync(KoreaUrl, "--from", "1", "--to", "2");
        Assert.Equal(0, byUrl.ExitCode);
        Assert.Contains("[-bliion-]{+billion+}", byUrl.Out);
        Assert.Contains("\n1 paragraph changed\n", byUrl.Out);

        var onlyTo = await DiffAsync("7", "--to", "2");
        Assert.Equal(byUrl.Out, onlyTo.Out);

        var onlyFrom = await DiffAsync("7", "--from", "1");
        Assert.Contains("title changed, 1 paragraph changed", onlyFrom.Out);

        var backwards = await DiffAsync("7", "--from", "2", "--to", "1");
        Assert.Contains("[-billion-]{+bliion+}", backwards.Out);
    }

    [Fact]
    public async Task Identical_revisions_say_no_changes_and_succeed()
    {
        var same = await DiffAsync("7", "--from", "2", "--to", "2");
        Assert.Equal(0, same.ExitCode);
        Assert.EndsWith("no changes\n", same.Out);

        var single = await DiffAsync("8");
        Assert.Equal(0, single.ExitCode);
        Assert.EndsWith("no changes\n", single.Out);
        Assert.Contains("has a single revision", single.Error);
    }

    [Theory]
    [InlineData("9", "no page '9' in the archive")]
    [InlineData("https://www.wndonline.cn/unknown.htm", "no page 'https://www.wndonline.cn/unknown.htm' in the archive")]
    public async Task An_unknown_page_exits_with_1(string page, string message)
    {
        var result = await DiffAsync(page);
        Assert.Equal((1, message, ""), (result.ExitCode, result.Error, result.Out));
    }

    [Fact]
    public async Task An_unknown_revision_exits_with_1_and_names_the_ones_there_are()
    {
        var result = await DiffAsync("7", "--from", "1", "--to", "5");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"{KoreaUrl} has no revision 5 (--to); it has revisions 1–3", result.Error);
    }

    [Theory]
    [InlineData("--from", "0")]
    [InlineData("--to", "-2")]
    [InlineData("--from", "two")]
    [InlineData("--format", "xml")]
    public async Task Bad_arguments_are_usage_errors(string option, string value)
    {
        var result = await DiffAsync("7", option, value);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.NotEqual("", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Json_and_html_go_to_the_out_file()
    {
        using var folder = new TempFolder();
        var json = folder.File("diff.json");
        var result = await DiffAsync("7", "--from", "1", "--format", "json", "--out", json);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{json}: title changed, 1 paragraph changed (revision 1 → 3)\n", result.Out);
        var document = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        Assert.Equal(KoreaUrl, document.GetProperty("url").GetString());
        Assert.Equal(3, document.GetProperty("to").GetProperty("revision").GetInt32());
        Assert.Equal(["title", "paragraph"], document.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("field").GetString()));

        var html = folder.File("diff.html");
        Assert.Equal(0, (await DiffAsync("7", "--format", "html", "--out", html)).ExitCode);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(html));

        var nowhere = await DiffAsync("7", "--out", folder.File("missing/dir/diff.txt"));
        Assert.Equal(ExitCodes.Usage, nowhere.ExitCode);
        Assert.StartsWith("--out '", nowhere.Error);
        var folderAsFile = await DiffAsync("7", "--out", folder.Path);
        Assert.Equal(ExitCodes.Usage, folderAsFile.ExitCode);
    }

    [Theory]
    [InlineData(true, null, true)]
    [InlineData(true, "", true)]
    [InlineData(true, "1", false)]
    [InlineData(false, null, false)]
    public void Colour_only_on_a_terminal_without_NO_COLOR(bool terminal, string? noColor, bool colour) =>
        Assert.Equal(colour, DiffCommand.UseColour(terminal, noColor));

    [Fact]
    public async Task The_real_cli_lists_diff_with_its_exit_codes()
    {
        var help = await CliRunner.RunAsync("diff", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--from", help.Out);
        Assert.Contains("1 unknown page or revision", help.Out);
    }
}
