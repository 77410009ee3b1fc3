using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scraper.Tests.Support;

namespace Scraper.Tests.Crawling;

/// <summary>
/// What <c>scraper crawl</c> tells a scheduler and an operator: exit codes that match the run's record when the site
/// cannot be reached, log lines with time and level, <c>--log-file</c>, the JSON summary's times, and list pages kept as
/// captures that never count as articles.
/// </summary>
public sealed class CrawlReportingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private string Db => _temp.File("archive.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_site_that_refuses_connections_is_a_failed_run_exit_4_and_errors_names_the_host()
    {
        var start = $"http://127.0.0.1:{Fetching.FetchTestKit.ClosedPort()}/bizupdates.html";
        var result = await CliRunner.RunAsync("crawl", "--start", start, "--site", "en.wuxi.gov.cn", "--delay", "0", "--db", Db,
            "--format", "json", "--quiet");

        Assert.Equal(4, result.ExitCode);
        using (var summary = JsonDocument.Parse(result.Out))
        {
            Assert.Equal("failed", summary.RootElement.GetProperty("status").GetString());
            Assert.Equal(1, summary.RootElement.GetProperty("errors").GetInt32());
            Assert.Equal(0, summary.RootElement.GetProperty("fetched").GetInt32());
        }
        var errors = await CliRunner.RunAsync("errors", "--db", Db);
        Assert.Equal(0, errors.ExitCode);
        Assert.Contains("(failed", errors.Out);
        Assert.Contains("/robots.txt", errors.Out);
        Assert.Contains("robots.txt unreachable: connection failed", errors.Out);
        var runs = await CliRunner.RunAsync("runs", "--db", Db, "--format", "json");
        using var json = JsonDocument.Parse(runs.Out);
        Assert.Equal("failed", json.RootElement[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Log_lines_carry_time_and_level_the_log_file_appends_them_and_the_summary_has_its_times()
    {
        var log = _temp.Write("crawl.log", "an earlier line\n");
        var before = DateTimeOffset.UtcNow;
        await using var site = await LoopbackSite.StartAsync(RepoPaths.Samples, "en.wuxi.gov.cn");
        site.On("/2023-01/20/c_853980.htm", LoopbackResponse.Status(404));
        var result = await CliRunner.RunAsync("crawl", "--start", site.Url("/bizupdates.html").AbsoluteUri, "--site", "en.wuxi.gov.cn",
            "--delay", "0", "--db", Db, "--format", "json", "--log-file", log);
        var after = DateTimeOffset.UtcNow;

        Assert.Equal(1, result.ExitCode);
        var lines = result.Error.TrimEnd('\n').Split('\n');
        Assert.All(lines, line => Assert.Matches(LogLine.Pattern(), line));
        Assert.Contains(lines, l => LogLine.Outcome(l) == "new" && l.Contains(" info "));
        Assert.Contains(lines, l => LogLine.Outcome(l) == "error" && l.Contains(" error ") && l.Contains("c_853980.htm"));
        foreach (var line in lines)
        {
            var time = DateTimeOffset.Parse(LogLine.Pattern().Match(line).Groups["time"].Value);
            Assert.InRange(time, before.AddSeconds(-1), after.AddSeconds(1));
        }

        // The log file kept what it had and got the same lines, and the summary.
        var logged = File.ReadAllText(log).TrimEnd('\n').Split('\n');
        Assert.Equal("an earlier line", logged[0]);
        Assert.Equal(lines, logged[1..^1]);
        Assert.Matches(@"^\S+Z warn  crawl partial \(run 1\)", logged[^1]);

        using var summary = JsonDocument.Parse(result.Out);
        var started = DateTimeOffset.Parse(summary.RootElement.GetProperty("started_at").GetString()!);
        var ended = DateTimeOffset.Parse(summary.RootElement.GetProperty("ended_at").GetString()!);
        Assert.EndsWith("Z", summary.RootElement.GetProperty("started_at").GetString());
        Assert.InRange(started, before.AddSeconds(-1), ended);
        Assert.InRange(ended, started, after.AddSeconds(1));
    }

    [Fact]
    public async Task The_text_summary_off_a_terminal_is_a_log_line_too()
    {
        var result = await CliRunner.RunAsync("crawl", "--mirror", RepoPaths.Samples, "--db", Db, "--quiet", "--site", "wnd.gov.cn");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info  crawl ok \(run 1\)", result.Out);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task List_pages_are_kept_as_captures_and_never_count_as_articles()
    {
        var result = await CliRunner.RunAsync("crawl", "--mirror", RepoPaths.Samples, "--db", Db, "--quiet", "--format", "json");
        Assert.Equal(0, result.ExitCode);
        using var connection = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        long Scalar(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(command.ExecuteScalar());
        }
        // Every list page read (both sites' sections, their second pages) is a page row with its capture, and no revision.
        Assert.Equal(Scalar("SELECT count(*) FROM frontier WHERE kind = 'list' AND state = 'done'"),
            Scalar("SELECT count(*) FROM pages p WHERE kind = 'list' AND EXISTS (SELECT 1 FROM captures c WHERE c.page_id = p.id)"));
        Assert.True(Scalar("SELECT count(*) FROM pages WHERE kind = 'list'") >= 3);
        Assert.Equal(0, Scalar("SELECT count(*) FROM pages WHERE kind = 'list' AND latest_revision_id IS NOT NULL"));
        Assert.Equal(0, Scalar("SELECT count(*) FROM captures c JOIN pages p ON p.id = c.page_id WHERE p.kind <> 'article' AND c.revision_id IS NOT NULL"));
        Assert.Equal(1, Scalar("SELECT count(*) FROM pages WHERE url = 'https://en.wuxi.gov.cn/bizupdates.html' AND kind = 'list'"));
        // So is each host's robots.txt answer (the samples have none: 404s, which a replay needs too).
        Assert.True(Scalar("SELECT count(*) FROM pages p JOIN captures c ON c.page_id = p.id WHERE p.kind = 'robots' AND c.http_status = 404") >= 1);
        var listPages = new HashSet<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT url FROM pages WHERE kind <> 'article'";
            using var reader = command.ExecuteReader();
            while (reader.Read()) listPages.Add(reader.GetString(0));
        }

        // list, search, export and stats see articles only.
        var articles = Scalar("SELECT count(*) FROM revisions");
        var list = await CliRunner.RunAsync("list", "--db", Db, "--format", "json");
        using (var listed = JsonDocument.Parse(list.Out))
        {
            Assert.Equal(articles, listed.RootElement.GetArrayLength());
            Assert.DoesNotContain(listed.RootElement.EnumerateArray(), a => listPages.Contains(a.GetProperty("url").GetString()!));
        }
        var stats = await CliRunner.RunAsync("stats", "--db", Db, "--format", "json");
        using (var counted = JsonDocument.Parse(stats.Out))
            Assert.Equal(articles, counted.RootElement.GetProperty("article_pages").GetInt64());
        var export = await CliRunner.RunAsync("export", "--db", Db, "--format", "jsonl");
        Assert.Equal(articles, export.Out.TrimEnd('\n').Split('\n').Length);
        var search = await CliRunner.RunAsync("search", "Biz Updates", "--db", Db, "--format", "json");
        using (var found = JsonDocument.Parse(search.Out))
            Assert.DoesNotContain(found.RootElement.EnumerateArray(), a => listPages.Contains(a.GetProperty("url").GetString()!));
    }
}
