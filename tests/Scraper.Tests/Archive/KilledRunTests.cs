using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scraper.Archive;
using Scraper.Crawling;
using Scraper.Tests.Support;

namespace Scraper.Tests.Archive;

/// <summary>
/// A crawl killed outright (SIGKILL: no chance to record anything) is recorded by the next crawl as interrupted, ended
/// at the time of its last recorded activity, so that <c>scraper runs</c> shows how long it really ran.
/// </summary>
public sealed class KilledRunTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempFolder temp = new();
    private string Db => temp.File("archive.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        temp.Dispose();
    }

    [Fact]
    public async Task A_run_killed_with_sigkill_ends_at_its_last_recorded_activity_not_when_the_next_crawl_starts()
    {
        await using var site = await LoopbackSite.StartAsync(RepoPaths.Samples, "en.wuxi.gov.cn");
        // Slow articles keep the crawl busy long enough to be killed in the middle of one.
        foreach (var path in new[] { "/2023-11/23/c_941797.htm", "/2023-02/06/c_856320.htm", "/2023-02/03/c_855812.htm", "/2023-02/01/c_855407.htm",
                     "/2023-01/31/c_855102.htm", "/2023-01/29/c_854633.htm", "/2023-01/20/c_853980.htm" })
            site.On(path, LoopbackResponse.Slow(TimeSpan.FromMilliseconds(700)));
        string[] args = ["crawl", "--start", site.Url("/bizupdates.html").AbsoluteUri, "--site", "en.wuxi.gov.cn", "--delay", "0",
            "--concurrency", "1", "--db", Db];

        DateTimeOffset killedAt;
        using (var first = CliRunner.Start(args))
        {
            using var deadline = new CancellationTokenSource(Patience);
            var archived = 0;
            while (archived < 2)
            {
                var line = await first.StandardError.ReadLineAsync(deadline.Token);
                Assert.True(line is not null, "the crawl ended before it could be killed");
                // Off a terminal each log line starts with its time and level: "2026-12-02T03:18:07.015Z info  new …".
                if (System.Text.RegularExpressions.Regex.IsMatch(line, @"^\S+Z info\s+new\s")) archived++;
            }
            first.Kill(); // SIGKILL
            await first.WaitForExitAsync(deadline.Token);
            killedAt = DateTimeOffset.UtcNow;
        }
        var lastCapture = ParseTime(Scalar("SELECT max(captured_at) FROM captures WHERE run_id = 1"));
        Assert.Equal("running", Scalar("SELECT status FROM runs WHERE id = 1"));

        var next = await CliRunner.RunProcessAsync(Patience, null, [.. args, "--quiet"]);
        Assert.True(next.ExitCode == 0, next.Error);

        var runs = await CliRunner.RunAsync("runs", "--format", "json", "--db", Db);
        Assert.True(runs.ExitCode == 0, runs.Error);
        using var json = JsonDocument.Parse(runs.Out);
        var killed = json.RootElement.EnumerateArray().Single(r => r.GetProperty("run").GetInt64() == 1);
        var resumed = json.RootElement.EnumerateArray().Single(r => r.GetProperty("run").GetInt64() == 2);
        Assert.Equal("interrupted", killed.GetProperty("status").GetString());
        var started = DateTimeOffset.Parse(killed.GetProperty("started_at").GetString()!);
        var ended = DateTimeOffset.Parse(killed.GetProperty("ended_at").GetString()!);
        // Its end is the last thing it recorded: no earlier than its last capture, no later than the kill, and so before
        // the next crawl began (the time it used to be given).
        Assert.InRange(ended, lastCapture, killedAt);
        Assert.True(ended < DateTimeOffset.Parse(resumed.GetProperty("started_at").GetString()!));
        Assert.Equal(Math.Round((ended - started).TotalSeconds, 3), killed.GetProperty("seconds").GetDouble(), 3);
        ArchiveFixtures.AssertIntegrity(Db);
    }

    [Fact]
    public async Task A_killed_run_ends_at_its_newest_error_or_discovery_and_one_that_did_nothing_when_it_started()
    {
        var clock = new ManualClock();
        await using (var store = await ArchiveStore.OpenAsync(Db, ArchiveAccess.ReadWrite, new ArchiveOptions(Clock: clock)))
        {
            await store.Frontier.BeginCrawlAsync();                                  // run 1 at 0:00, killed at once
            clock.Advance(TimeSpan.FromMinutes(1));
            var second = await store.Frontier.BeginCrawlAsync();                     // run 2 at 1:00
            clock.Advance(TimeSpan.FromSeconds(10));
            await store.Runs.RecordErrorAsync(second.RunId, "https://en.wuxi.gov.cn/a.htm", new CrawlError("http", "404 Not Found", 404));
            clock.Advance(TimeSpan.FromSeconds(5));
            await store.Frontier.QueueAsync([new FrontierEntry("https://en.wuxi.gov.cn/b.htm", FrontierKind.Page, "en.wuxi.gov.cn", null)],
                second.Pass, QueueMode.Again, second.RunId);               // its last sign of life at 1:15
            clock.Advance(TimeSpan.FromHours(1));
            await store.Frontier.BeginCrawlAsync();                                  // run 3 at 2:01:15
        }
        var rows = Rows("SELECT status, started_at, ended_at FROM runs ORDER BY id");
        Assert.Equal(["interrupted", "interrupted", "running"], rows.Select(r => (string)r[0]!));
        Assert.Equal(At(TimeSpan.Zero), rows[0][2]);
        Assert.Equal(At(TimeSpan.FromSeconds(75)), rows[1][2]);
    }

    private static string At(TimeSpan offset) => (ArchiveFixtures.T0 + offset).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private sealed class ManualClock : TimeProvider
    {
        private TimeSpan elapsed;
        public void Advance(TimeSpan by) => elapsed += by;
        public override DateTimeOffset GetUtcNow() => ArchiveFixtures.T0 + elapsed;
    }

    private static DateTimeOffset ParseTime(object? text) => DateTimeOffset.Parse((string)text!);

    private object? Scalar(string sql) => Rows(sql).Single()[0];

    private List<object?[]> Rows(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        return rows;
    }
}
