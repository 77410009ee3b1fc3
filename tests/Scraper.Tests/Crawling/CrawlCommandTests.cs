using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scraper.Tests.Support;

namespace Scraper.Tests.Crawling;

/// <summary><c>scraper crawl</c> end to end: the README's main job on the samples, and a kill -9 in the middle of a crawl.</summary>
public sealed class CrawlCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private static long Scalar(string db, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    [Fact]
    public async Task The_main_job_archives_every_sample_article_offline()
    {
        var db = _temp.File("archive.db");
        var result = await CliRunner.RunAsync("crawl", "--mirror", RepoPaths.Samples, "--db", db, "--format", "json", "--quiet");
        Assert.True(result.ExitCode == 0, result.Error);
        using var summary = JsonDocument.Parse(result.Out);
        Assert.Equal("ok", summary.RootElement.GetProperty("status").GetString());
        // Every sample with an expected article, but the standing pages (overview.html): the rules keep them as captures only.
        var articles = Directory.EnumerateFiles(RepoPaths.Samples, "*.verified.json", SearchOption.AllDirectories)
            .Count(f => !f.EndsWith(".links.verified.json") && !System.Text.RegularExpressions.Regex.IsMatch(f, @"_\d\.verified\.json$")
                        && !f.EndsWith("overview.verified.json"));
        Assert.Equal(articles, summary.RootElement.GetProperty("new_pages").GetInt32());
        Assert.Equal(articles, Scalar(db, "SELECT count(*) FROM revisions"));
        Assert.Equal(0, Scalar(db, "SELECT count(*) FROM revisions WHERE extractor = 'generic'"));

        // The archived articles are what `extract` makes of the samples.
        var show = await CliRunner.RunAsync("show", "https://en.wuxi.gov.cn/2023-11/23/c_941797.htm", "--db", db, "--format", "json");
        using var shown = JsonDocument.Parse(show.Out);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.verified.json")));
        Assert.Equal(expected.RootElement.GetProperty("text").GetString(), shown.RootElement.GetProperty("text").GetString());

        // Again: nothing new, nothing refetched but lists and sitemaps.
        var again = await CliRunner.RunAsync("crawl", "--mirror", RepoPaths.Samples, "--db", db, "--format", "json", "--quiet");
        using var second = JsonDocument.Parse(again.Out);
        Assert.Equal(0, second.RootElement.GetProperty("new_pages").GetInt32());
        Assert.Equal(articles, Scalar(db, "SELECT count(*) FROM revisions"));
    }

    [Theory]
    [InlineData("--site", "example.org", "not a known site")]
    [InlineData("--since", "last week", "is not a date")]
    [InlineData("--concurrency", "0", "at least 1")]
    [InlineData("--mirror", "/no/such/folder", "no such folder")]
    [InlineData("--start", "ftp://en.wuxi.gov.cn/", "not an http(s) URL")]
    public async Task Bad_options_are_usage_errors(string option, string value, string message)
    {
        var result = await CliRunner.RunAsync("crawl", "--db", _temp.File("a.db"), option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, Assert.Single(result.Error.Trim().Split('\n')));
        Assert.False(File.Exists(_temp.File("a.db")));
    }

    [Fact]
    public async Task A_crawl_killed_at_any_instant_resumes_without_refetching_or_duplicating()
    {
        await using var site = await LoopbackSite.StartAsync(RepoPaths.Samples, "en.wuxi.gov.cn");
        // Slow articles keep the crawl busy long enough to be killed in the middle.
        foreach (var path in new[] { "/2023-11/23/c_941797.htm", "/2023-02/06/c_856320.htm", "/2023-02/03/c_855812.htm", "/2023-02/01/c_855407.htm",
                     "/2023-01/31/c_855102.htm", "/2023-01/29/c_854633.htm", "/2023-01/20/c_853980.htm" })
            site.On(path, LoopbackResponse.Slow(TimeSpan.FromMilliseconds(400)));
        var db = _temp.File("archive.db");
        string[] args = ["crawl", "--start", site.Url("/bizupdates.html").AbsoluteUri, "--site", "en.wuxi.gov.cn", "--delay", "0",
            "--concurrency", "1", "--db", db, "--quiet", "--format", "json"];

        // The first crawl logs each archived page on stderr (not a terminal: plain lines); kill it after the second.
        using (var first = CliRunner.Start(args.Where(a => a != "--quiet").ToArray()))
        {
            var archived = 0;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (archived < 2)
            {
                var line = await first.StandardError.ReadLineAsync(deadline.Token);
                Assert.True(line is not null, "the crawl ended before it could be killed");
                if (LogLine.Outcome(line) == "new") archived++;
            }
            first.Kill(); // SIGKILL: no chance to clean up
            await first.WaitForExitAsync();
        }
        var doneBeforeKill = DoneUrls(db);
        Assert.InRange(doneBeforeKill.Count(u => u.EndsWith(".htm")), 2, 6);

        var resumed = await CliRunner.RunProcessAsync(TimeSpan.FromSeconds(120), null, args);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        using var summary = JsonDocument.Parse(resumed.Out);
        Assert.True(summary.RootElement.GetProperty("resumed").GetBoolean());

        Assert.Equal(7, Scalar(db, "SELECT count(*) FROM revisions"));
        Assert.Equal(7, Scalar(db, "SELECT count(DISTINCT page_id) FROM revisions"));
        Assert.Equal(0, Scalar(db, "SELECT count(*) FROM frontier WHERE state IN ('pending', 'fetching')"));
        Assert.Equal(1, Scalar(db, "SELECT count(*) FROM runs WHERE status = 'interrupted'"));
        Assert.Equal(1, Scalar(db, "SELECT count(*) FROM runs WHERE status = 'ok'"));
        // No page completed before the kill was fetched again.
        foreach (var url in doneBeforeKill.Where(u => u.EndsWith(".htm")))
            Assert.Single(site.RequestsTo(new Uri(url).AbsolutePath));
    }

    private static List<string> DoneUrls(string db)
    {
        using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT url FROM frontier WHERE state = 'done'";
        using var reader = command.ExecuteReader();
        var urls = new List<string>();
        while (reader.Read()) urls.Add(reader.GetString(0));
        return urls;
    }
}
