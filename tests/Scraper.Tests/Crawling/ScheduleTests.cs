using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scraper.Tests.Support;

namespace Scraper.Tests.Crawling;

/// <summary>
/// Running unattended: real <c>scraper crawl</c> processes against a loopback copy of en.wuxi.gov.cn, two at once on
/// one archive, stopped by SIGTERM, in watch mode, and after a crash that left its lock file behind.
/// </summary>
public sealed class ScheduleTests : IDisposable
{
    private const int SigInt = 2;
    private const int SigTerm = 15;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static readonly string[] ArticlePaths =
    [
        "/2023-11/23/c_941797.htm", "/2023-02/06/c_856320.htm", "/2023-02/03/c_855812.htm", "/2023-02/01/c_855407.htm",
        "/2023-01/31/c_855102.htm", "/2023-01/29/c_854633.htm", "/2023-01/20/c_853980.htm",
    ];

    private readonly TempFolder _temp = new();

    private string Db => _temp.File("archive.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    /// <summary>The Biz Updates section of the samples, each article answered slowly so a crawl can be caught in the middle.</summary>
    private static async Task<LoopbackSite> SlowSiteAsync(int articleMilliseconds = 400)
    {
        var site = await LoopbackSite.StartAsync(RepoPaths.Samples, "en.wuxi.gov.cn");
        foreach (var path in ArticlePaths)
            site.On(path, LoopbackResponse.Slow(TimeSpan.FromMilliseconds(articleMilliseconds)));
        return site;
    }

    private string[] CrawlArgs(LoopbackSite site, params string[] more) =>
    [
        "crawl", "--start", site.Url("/bizupdates.html").AbsoluteUri, "--site", "en.wuxi.gov.cn", "--delay", "0",
        "--concurrency", "1", "--db", Db, "--format", "json", .. more,
    ];

    /// <summary>Reads the crawl's log lines (stderr, not a terminal) until <paramref name="count"/> articles were archived.</summary>
    private static async Task WaitForArchivedAsync(Process crawl, int count)
    {
        using var deadline = new CancellationTokenSource(Patience);
        var archived = 0;
        while (archived < count)
        {
            var line = await crawl.StandardError.ReadLineAsync(deadline.Token);
            Assert.True(line is not null, $"the crawl ended after {archived} of {count} articles");
            if (LogLine.Outcome(line) == "new") archived++;
        }
    }

    private static Task<CliResult> FinishAsync(Process process) => CliRunner.FinishAsync(process, Patience);

    private List<Dictionary<string, object?>> Rows(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i)));
        return rows;
    }

    private long Scalar(string sql) => Convert.ToInt64(Rows(sql).Single().Values.Single());

    private void AssertArchiveIntact()
    {
        Assert.Equal("ok", Rows("PRAGMA integrity_check").Single().Values.Single());
        Assert.Equal(ArticlePaths.Length, Scalar("SELECT count(*) FROM revisions"));
        Assert.Equal(ArticlePaths.Length, Scalar("SELECT count(DISTINCT page_id) FROM revisions"));
        Assert.Equal(0, Scalar("SELECT count(*) FROM frontier WHERE state IN ('pending', 'fetching')"));
    }

    [Fact]
    public async Task A_second_crawl_on_the_same_archive_exits_3_at_once_or_waits_with_wait()
    {
        // Slow enough that the first crawl is still running when the other processes have started.
        await using var site = await SlowSiteAsync(articleMilliseconds: 1000);
        using var first = CliRunner.Start(CrawlArgs(site));
        await WaitForArchivedAsync(first, 1);

        // "At once": no longer than a command that does next to nothing takes to start and end on this machine now.
        var baseline = Stopwatch.StartNew();
        Assert.Equal(0, (await CliRunner.RunProcessAsync(Patience, null, "crawl", "--help")).ExitCode);
        baseline.Stop();
        var refused = Stopwatch.StartNew();
        var second = await CliRunner.RunProcessAsync(Patience, null, CrawlArgs(site, "--quiet"));
        refused.Stop();
        Assert.True(refused.Elapsed < baseline.Elapsed * 3 + TimeSpan.FromSeconds(2),
            $"refused after {refused.Elapsed.TotalSeconds:0.0} s; a command doing nothing took {baseline.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(3, second.ExitCode);
        var message = Assert.Single(second.Error.Trim().Split('\n'));
        Assert.Contains("is being crawled by another scraper", message);
        Assert.Contains($"pid {first.Id}", message);
        Assert.Contains("--wait", message);
        Assert.Equal("", second.Out);
        Assert.False(first.HasExited, "the first crawl should still be running: the refusal came from its lock");

        using var waiting = CliRunner.Start(CrawlArgs(site, "--quiet", "--wait"));
        var firstResult = await FinishAsync(first);
        Assert.Equal(0, firstResult.ExitCode);
        var waited = await FinishAsync(waiting);
        Assert.True(waited.ExitCode == 0, waited.Error);
        using var summary = JsonDocument.Parse(waited.Out);
        Assert.Equal("ok", summary.RootElement.GetProperty("status").GetString());
        Assert.Equal(0, summary.RootElement.GetProperty("new_pages").GetInt32());

        // The refused crawl left no trace; the two that ran are two runs, one after the other.
        var runs = Rows("SELECT id, status, started_at, ended_at FROM runs ORDER BY id");
        Assert.Equal(["ok", "ok"], runs.Select(r => (string)r["status"]!));
        Assert.True(string.CompareOrdinal((string)runs[1]["started_at"]!, (string)runs[0]["ended_at"]!) >= 0, "the waiting crawl ran before the first one ended");
        AssertArchiveIntact();
    }

    [Theory]
    [InlineData(SigTerm, 143)]
    [InlineData(SigInt, 130)]
    public async Task A_signal_cancels_the_request_in_flight_records_the_run_as_interrupted_within_2_s_and_a_resume_completes(int signal, int exitCode)
    {
        await using var site = await SlowSiteAsync();
        // The third article answers only after a minute: the stop finds its request in flight.
        const string stuck = "/2023-02/03/c_855812.htm";
        site.On(stuck, LoopbackResponse.Slow(TimeSpan.FromSeconds(60)));
        using var first = CliRunner.Start(CrawlArgs(site));
        // Claimed in URL order, it comes second: one article is archived before it.
        await WaitForArchivedAsync(first, 1);
        await WaitForRequestAsync(site, stuck);
        var signalled = Stopwatch.StartNew();
        CliRunner.Signal(first, signal);
        var summaryLine = await first.StandardOutput.ReadLineAsync().WaitAsync(Patience);
        var toSummary = signalled.Elapsed;
        var stopped = await FinishAsync(first);

        Assert.Equal(exitCode, stopped.ExitCode);
        // Far below robots.txt's minute, so the stop did not wait for the request; with room for a machine busy with other builds.
        Assert.True(toSummary < TimeSpan.FromSeconds(6), $"the summary came {toSummary.TotalSeconds:0.00} s after the signal");
        using (var summary = JsonDocument.Parse(summaryLine!))
        {
            Assert.Equal("interrupted", summary.RootElement.GetProperty("status").GetString());
            Assert.NotNull(summary.RootElement.GetProperty("ended_at").GetString());
        }
        // The stopped crawl recorded its own end: nothing left running, nothing claimed; the page in flight is pending again.
        var run = Rows("SELECT status, ended_at FROM runs").Single();
        Assert.Equal("interrupted", run["status"]);
        Assert.NotNull(run["ended_at"]);
        Assert.Equal(0, Scalar("SELECT count(*) FROM frontier WHERE state = 'fetching'"));
        Assert.Equal(1, Scalar($"SELECT count(*) FROM frontier WHERE state = 'pending' AND url LIKE '%{stuck}'"));
        Assert.Equal("ok", Rows("PRAGMA integrity_check").Single().Values.Single());
        var archivedBefore = Rows("SELECT p.url FROM pages p WHERE p.latest_revision_id IS NOT NULL").Select(r => (string)r["url"]!).ToList();
        Assert.InRange(archivedBefore.Count, 1, ArticlePaths.Length - 1);
        Assert.DoesNotContain(archivedBefore, u => u.EndsWith(stuck));
        // No request was sent after the stop.
        var lastBefore = site.Requests.Count;
        await Task.Delay(500);
        Assert.Equal(lastBefore, site.Requests.Count);

        site.On(stuck, LoopbackResponse.FromFolder);
        var resumed = await CliRunner.RunProcessAsync(Patience, null, CrawlArgs(site, "--quiet"));
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        using (var summary = JsonDocument.Parse(resumed.Out))
            Assert.True(summary.RootElement.GetProperty("resumed").GetBoolean());
        AssertArchiveIntact();
        Assert.Equal(["interrupted", "ok"], Rows("SELECT status FROM runs ORDER BY id").Select(r => (string)r["status"]!));
        foreach (var url in archivedBefore)
            Assert.Single(site.RequestsTo(new Uri(url).AbsolutePath));
    }

    [Theory]
    [InlineData(SigTerm, 143)]
    [InlineData(SigInt, 130)]
    public async Task A_signal_during_start_up_stops_at_once_with_its_own_exit_code_and_the_run_interrupted(int signal, int exitCode)
    {
        await using var site = await SlowSiteAsync();
        // robots.txt takes a minute: the crawl is still starting up when the signal comes.
        site.On("/robots.txt", LoopbackResponse.Slow(TimeSpan.FromSeconds(60)));
        using var crawl = CliRunner.Start(CrawlArgs(site));
        await WaitForRequestAsync(site, "/robots.txt");
        var signalled = Stopwatch.StartNew();
        CliRunner.Signal(crawl, signal);
        var summaryLine = await crawl.StandardOutput.ReadLineAsync().WaitAsync(Patience);
        var toSummary = signalled.Elapsed;
        var stopped = await FinishAsync(crawl);

        Assert.Equal(exitCode, stopped.ExitCode);
        // Far below robots.txt's minute, so the stop did not wait for the request; with room for a machine busy with other builds.
        Assert.True(toSummary < TimeSpan.FromSeconds(6), $"the summary came {toSummary.TotalSeconds:0.00} s after the signal");
        using (var summary = JsonDocument.Parse(summaryLine!))
            Assert.Equal("interrupted", summary.RootElement.GetProperty("status").GetString());
        Assert.Equal("interrupted", Rows("SELECT status FROM runs").Single()["status"]);
        Assert.Equal(0, Scalar("SELECT count(*) FROM frontier WHERE state = 'fetching'"));
    }

    [Fact]
    public async Task A_crawl_delay_of_60_s_does_not_delay_a_stop_beyond_the_readme_units_stop_timeout()
    {
        await using var site = await SlowSiteAsync(articleMilliseconds: 0);
        site.Robots("User-agent: *\nCrawl-delay: 60\n");
        using var crawl = CliRunner.Start(CrawlArgs(site));
        // The list page was fetched; the next request waits a minute for its turn.
        await WaitForRequestAsync(site, "/bizupdates.html");
        await Task.Delay(300);
        var signalled = Stopwatch.StartNew();
        CliRunner.Signal(crawl, SigTerm);
        var stopped = await FinishAsync(crawl);

        Assert.Equal(143, stopped.ExitCode);
        // The README's systemd unit gives a stop TimeoutStopSec=60 before it kills; the stop takes a small part of it.
        Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(2), $"the crawl took {signalled.Elapsed.TotalSeconds:0.00} s to stop");
        Assert.Contains("TimeoutStopSec=60", File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")));
        Assert.Equal("interrupted", Rows("SELECT status FROM runs").Single()["status"]);
    }

    [Fact]
    public async Task A_second_interrupt_exits_at_once_when_the_first_stop_is_held_up()
    {
        await using var site = await SlowSiteAsync(articleMilliseconds: 2000);
        using var crawl = CliRunner.Start(CrawlArgs(site));
        await WaitForArchivedAsync(crawl, 1);
        // Another process holds the archive's write lock: the stop has to wait for it (up to the 5 s busy timeout).
        using var holder = new SqliteConnection($"Data Source={Db};Pooling=False");
        holder.Open();
        using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
        }
        var signalled = Stopwatch.StartNew();
        CliRunner.Signal(crawl, SigInt);
        await Task.Delay(500);
        Assert.False(crawl.HasExited, "the first stop should be waiting for the archive's lock");
        CliRunner.Signal(crawl, SigInt);
        var stopped = await FinishAsync(crawl);
        var elapsed = signalled.Elapsed;
        using (var rollback = holder.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }

        Assert.Equal(130, stopped.ExitCode);
        Assert.Contains("stopped at once (second signal)", stopped.Error);
        Assert.True(elapsed < TimeSpan.FromSeconds(4), $"the second interrupt took {elapsed.TotalSeconds:0.00} s to end the crawl");
        // The next crawl finds the run it left and resumes.
        var next = await CliRunner.RunProcessAsync(Patience, null, CrawlArgs(site, "--quiet"));
        Assert.True(next.ExitCode == 0, next.Error);
        AssertArchiveIntact();
    }

    private static async Task WaitForRequestAsync(LoopbackSite site, string path)
    {
        var waited = Stopwatch.StartNew();
        while (site.RequestsTo(path).Count == 0)
        {
            Assert.True(waited.Elapsed < Patience, $"{path} was never requested");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Watch_mode_crawls_again_after_the_interval_under_the_same_lock_until_SIGTERM()
    {
        await using var site = await SlowSiteAsync(articleMilliseconds: 0);
        using var watch = CliRunner.Start(CrawlArgs(site, "--every", "3s", "--quiet"));
        using var deadline = new CancellationTokenSource(Patience);

        var firstLine = await watch.StandardOutput.ReadLineAsync(deadline.Token);
        using var firstRun = JsonDocument.Parse(firstLine ?? throw new Xunit.Sdk.XunitException("watch mode ended: " + await watch.StandardError.ReadToEndAsync()));
        Assert.Equal("ok", firstRun.RootElement.GetProperty("status").GetString());
        Assert.Equal(ArticlePaths.Length, firstRun.RootElement.GetProperty("new_pages").GetInt32());

        // Between two runs the lock is still held: a crawl started now is refused.
        var meanwhile = await CliRunner.RunProcessAsync(Patience, null, CrawlArgs(site, "--quiet"));
        Assert.Equal(3, meanwhile.ExitCode);

        var secondLine = await watch.StandardOutput.ReadLineAsync(deadline.Token);
        using var secondRun = JsonDocument.Parse(secondLine ?? throw new Xunit.Sdk.XunitException("watch mode ended after one run"));
        Assert.Equal("ok", secondRun.RootElement.GetProperty("status").GetString());
        Assert.Equal(firstRun.RootElement.GetProperty("run").GetInt64() + 1, secondRun.RootElement.GetProperty("run").GetInt64());
        Assert.Equal(0, secondRun.RootElement.GetProperty("new_pages").GetInt32());

        CliRunner.Signal(watch, SigTerm);
        var ended = await FinishAsync(watch);
        Assert.Equal(143, ended.ExitCode);

        var runs = Rows("SELECT status, started_at FROM runs ORDER BY id");
        Assert.True(runs.Count >= 2);
        Assert.All(runs.Take(2), r => Assert.Equal("ok", r["status"]));
        // The second run started one interval after the first one started. The rows' times are taken once a run has
        // opened its pass, which the first run of a process reaches later (cold code) than the second: allow for that.
        var gap = DateTimeOffset.Parse((string)runs[1]["started_at"]!) - DateTimeOffset.Parse((string)runs[0]["started_at"]!);
        Assert.InRange(gap, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(30));
        AssertArchiveIntact();
    }

    [Fact]
    public async Task A_lock_left_by_a_killed_crawl_is_taken_over()
    {
        await using var site = await SlowSiteAsync();
        // A lock file from a crash on another boot: its text names a process that is long gone.
        await File.WriteAllTextAsync(Db + ".lock", "pid 999999 since 2020-01-01T00:00:00Z on old-host\n");
        using (var killed = CliRunner.Start(CrawlArgs(site)))
        {
            await WaitForArchivedAsync(killed, 1);
            killed.Kill(); // SIGKILL: the lock file stays, the run row still says running
            await killed.WaitForExitAsync();
        }
        Assert.True(File.Exists(Db + ".lock"));
        Assert.Equal("running", Rows("SELECT status FROM runs").Single()["status"]);

        var next = await CliRunner.RunProcessAsync(Patience, null, CrawlArgs(site, "--quiet"));
        Assert.True(next.ExitCode == 0, next.Error);
        Assert.Equal(["interrupted", "ok"], Rows("SELECT status FROM runs ORDER BY id").Select(r => (string)r["status"]!));
        AssertArchiveIntact();
    }
}
