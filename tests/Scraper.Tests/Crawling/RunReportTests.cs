using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scraper.Tests.Support;

namespace Scraper.Tests.Crawling;

/// <summary>
/// <c>scraper runs</c>, <c>errors</c> and <c>changes</c> over an archive made by real crawls of a loopback copy of
/// en.wuxi.gov.cn: a first crawl with a broken article, then a re-check after an article was edited.
/// </summary>
public sealed class RunReportTests : IAsyncLifetime
{
    private const string BrokenPath = "/2023-01/20/c_853980.htm";
    private const string EditedPath = "/2023-11/23/c_941797.htm";
    private readonly TempFolder _temp = new();
    private LoopbackSite _site = null!;

    private string Db => _temp.File("archive.db");

    public async Task InitializeAsync()
    {
        _site = await LoopbackSite.StartAsync(RepoPaths.Samples, "en.wuxi.gov.cn");
        _site.On(BrokenPath, LoopbackResponse.Status(404));
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private Task<CliResult> CrawlAsync(params string[] more) => CliRunner.RunAsync(
    [
        "crawl", "--start", _site.Url("/bizupdates.html").AbsoluteUri, "--site", "en.wuxi.gov.cn", "--delay", "0",
        "--db", Db, "--quiet", "--format", "json", .. more,
    ]);

    private Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync([.. args, "--db", Db]);

    /// <summary>The sample article with one paragraph edited and one added, as the site might correct it after publication.</summary>
    private static string EditedArticle()
    {
        var html = File.ReadAllText(Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm"));
        using var verified = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.verified.json")));
        var last = verified.RootElement.GetProperty("paragraphs")[4].GetString()!;
        Assert.Contains(last, html);
        return html.Replace(last, last + "</p>\n<p>The conference was held on Thursday.")
            .Replace("nearly 400 Japanese enterprises", "more than 400 Japanese enterprises");
    }

    [Fact]
    public async Task Runs_errors_and_changes_report_what_the_crawls_did()
    {
        var first = await CrawlAsync();
        Assert.Equal(1, first.ExitCode); // partial: one article could not be fetched

        var runs = await RunAsync("runs", "--format", "json");
        Assert.Equal(0, runs.ExitCode);
        using (var json = JsonDocument.Parse(runs.Out))
        {
            var run = Assert.Single(json.RootElement.EnumerateArray().ToList());
            Assert.Equal(1, run.GetProperty("run").GetInt64());
            Assert.Equal("partial", run.GetProperty("status").GetString());
            Assert.Equal(6, run.GetProperty("new_pages").GetInt32());
            Assert.Equal(1, run.GetProperty("errors").GetInt32());
            Assert.Equal(0, run.GetProperty("generic_fallbacks").GetInt32());
            Assert.NotNull(run.GetProperty("ended_at").GetString());
        }

        var errors = await RunAsync("errors", "--format", "json");
        Assert.Equal(0, errors.ExitCode);
        using (var json = JsonDocument.Parse(errors.Out))
        {
            Assert.Equal(1, json.RootElement.GetProperty("run").GetProperty("run").GetInt64());
            var error = Assert.Single(json.RootElement.GetProperty("errors").EnumerateArray().ToList());
            Assert.EndsWith(BrokenPath, error.GetProperty("url").GetString());
            Assert.Equal("http", error.GetProperty("kind").GetString());
            Assert.Equal(404, error.GetProperty("http_status").GetInt32());
        }
        var errorsText = await RunAsync("errors");
        Assert.StartsWith("run 1 (partial, started ", errorsText.Out);
        Assert.Contains("1 error", errorsText.Out);
        Assert.Contains(BrokenPath, errorsText.Out);

        var since = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        // The broken article is back, one article was edited; a re-check of everything sees both.
        _site.On(BrokenPath, LoopbackResponse.FromFolder);
        _site.On(EditedPath, LoopbackResponse.Html(EditedArticle()));
        var second = await CrawlAsync("--revisit", "all");
        Assert.True(second.ExitCode == 0, second.Error);

        var changes = await RunAsync("changes", "--since", since.ToString("O"), "--format", "json");
        Assert.Equal(0, changes.ExitCode);
        using (var json = JsonDocument.Parse(changes.Out))
        {
            var reported = json.RootElement.EnumerateArray().ToDictionary(c => new Uri(c.GetProperty("url").GetString()!).AbsolutePath);
            Assert.Equal([BrokenPath, EditedPath], reported.Keys.Order());
            Assert.Equal("new", reported[BrokenPath].GetProperty("kind").GetString());
            Assert.Equal("new article", reported[BrokenPath].GetProperty("summary").GetString());
            var edited = reported[EditedPath];
            Assert.Equal("changed", edited.GetProperty("kind").GetString());
            Assert.Equal(1, edited.GetProperty("from_revision").GetInt32());
            Assert.Equal(2, edited.GetProperty("to_revision").GetInt32());
            Assert.Equal("1 paragraph changed, 1 paragraph added", edited.GetProperty("summary").GetString());
        }

        // The default window (24h) holds the first crawl's new articles too; a window after the crawls holds nothing.
        var day = await RunAsync("changes");
        Assert.Equal(7, day.Out.Trim().Split('\n').Length - 1);
        Assert.Contains("new article, then 1 paragraph changed, 1 paragraph added", day.Out);
        var none = await RunAsync("changes", "--since", DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"));
        Assert.StartsWith("No articles appeared or changed since", none.Out);

        var table = await RunAsync("runs", "--last", "1");
        var lines = table.Out.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("RUN ", lines[0]);
        Assert.StartsWith("2 ", lines[1]);
        Assert.Contains(" ok ", lines[1]);
        var clean = await RunAsync("errors");
        Assert.Equal("run 2", clean.Out[..5]);
        Assert.Contains("no errors", clean.Out);
    }

    [Theory]
    [InlineData(new[] { "errors", "--run", "99" }, 1, "no run 99 in the archive")]
    [InlineData(new[] { "runs", "--last", "0" }, 2, "--last must be at least 1")]
    [InlineData(new[] { "changes", "--since", "yesterday" }, 2, "is not a date")]
    [InlineData(new[] { "changes", "--site", "example.org" }, 2, "not a known site")]
    public async Task Bad_requests_are_one_line_errors(string[] args, int exitCode, string message)
    {
        Assert.Equal(0, (await CrawlAsync("--max-pages", "1")).ExitCode);
        var result = await RunAsync(args);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains(message, Assert.Single(result.Error.Trim().Split('\n')));
    }

    [Fact]
    public async Task An_archive_without_runs_says_so()
    {
        Assert.Equal(0, (await CliRunner.RunAsync("import", Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-11"), "--db", Db)).ExitCode);
        Assert.Equal("No crawl runs yet.\n", (await RunAsync("runs")).Out);
        Assert.Equal("No crawl runs yet.\n", (await RunAsync("errors")).Out);
        Assert.Equal("[]\n", (await RunAsync("runs", "--format", "json")).Out);
    }
}
