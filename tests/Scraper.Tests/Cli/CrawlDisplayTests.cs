using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Scraper.Archive;
using Scraper.Cli;
using Scraper.Crawling;
using Scraper.Tests.Crawling;
using Scraper.Tests.Support;
using Spectre.Console;

namespace Scraper.Tests.Cli;

/// <summary>
/// What a crawl shows its operator: on a terminal a live display (counts, rate, elapsed time, an estimate of what
/// remains), elsewhere log lines. The display is drawn on a Spectre console the test reads, and the real CLI is run
/// under a pseudo-terminal (<c>script</c>) and with its stderr piped.
/// </summary>
public sealed partial class CrawlDisplayTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static readonly string[] ArticlePaths =
    [
        "/2023-11/23/c_941797.htm", "/2023-02/06/c_856320.htm", "/2023-02/03/c_855812.htm", "/2023-02/01/c_855407.htm",
        "/2023-01/31/c_855102.htm", "/2023-01/29/c_854633.htm", "/2023-01/20/c_853980.htm",
    ];

    private readonly TempFolder _temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    /// <summary>ANSI control sequences (cursor moves, colours, modes) and OSC strings, removed to read the text drawn.</summary>
    [GeneratedRegex(@"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")]
    private static partial Regex AnsiSequence();

    /// <summary>The display's first line: the bar, done/total, the rate, the elapsed time and the estimate of what is left.</summary>
    [GeneratedRegex(@"(?<done>\d+)/(?<total>\d+) +(?<rate>\d+\.\d) pages/s +elapsed (?<elapsed>\d\d:\d\d) +left (?<left>≈ \d\d:\d\d|\?)")]
    private static partial Regex ProgressLine();

    private static CrawlEvent Event(string url, string outcome, RunCounts totals, int remaining, TimeSpan elapsed, string? detail = null) =>
        new(url, outcome, detail, totals, Changed: 1, elapsed) { Remaining = remaining };

    /// <summary>A console that keeps what it is sent, as a colour terminal 120 columns wide would get it.</summary>
    private static (IAnsiConsole Console, Func<string> Written) Terminal()
    {
        var sink = new StringWriter();
        var writer = TextWriter.Synchronized(sink);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = 120;
        return (console, Written);

        string Written()
        {
            // TextWriter.Synchronized locks on the writer itself for each write.
            lock (writer)
            {
                return sink.ToString();
            }
        }
    }

    private static async Task WaitForAsync(Func<string> written, string text)
    {
        var waited = Stopwatch.StartNew();
        while (!AnsiSequence().Replace(written(), "").Contains(text, StringComparison.Ordinal))
        {
            Assert.True(waited.Elapsed < Patience, $"the display never showed \"{text}\":\n{AnsiSequence().Replace(written(), "")}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task On_a_terminal_the_running_crawl_shows_counts_rate_elapsed_time_and_the_time_left()
    {
        var (console, written) = Terminal();
        var stderr = new StringWriter();
        using var display = new CrawlDisplay(stderr, quiet: false, live: true, logFile: null, console: console);

        var summary = await display.RunAsync(async () =>
        {
            // A minute in, 30 pages done (one of them an error) and 90 to go: 0.5 pages/s, about three minutes left.
            display.Report(Event("http://en.wuxi.gov.cn/a.htm", "new", new RunCounts(Discovered: 125, Fetched: 29, Unchanged: 3, NewPages: 20, Errors: 1),
                remaining: 90, elapsed: TimeSpan.FromMinutes(1)));
            display.Report(Event("http://en.wuxi.gov.cn/b.htm", "error", new RunCounts(Discovered: 125, Fetched: 29, Unchanged: 3, NewPages: 20, Errors: 1),
                remaining: 90, elapsed: TimeSpan.FromMinutes(1), detail: "HTTP 500 Internal Server Error (after 4 attempts)"));
            await WaitForAsync(written, "30/120");

            // Ninety seconds in, 120 of 120: nothing left to estimate.
            display.Report(Event("http://en.wuxi.gov.cn/c.htm", "unchanged", new RunCounts(Discovered: 125, Fetched: 119, Unchanged: 40, NewPages: 70, Errors: 1),
                remaining: 0, elapsed: TimeSpan.FromSeconds(90)));
            return "done";
        });

        Assert.Equal("done", summary);
        var raw = written();
        Assert.Contains("\x1b[", raw); // drawn in place with control sequences, as a live display is
        var text = AnsiSequence().Replace(raw, "");
        var frames = ProgressLine().Matches(text).Select(m => m.Value).Distinct().ToList();
        Assert.Contains("30/120  0.5 pages/s  elapsed 01:00  left ≈ 03:00", frames);
        Assert.Equal("120/120  1.3 pages/s  elapsed 01:30  left ?", frames[^1]);
        Assert.Contains("discovered 125  fetched 29  unchanged 3  new 20  changed 1  errors 1  generic 0", text);
        Assert.Contains("discovered 125  fetched 119  unchanged 40  new 70  changed 1  errors 1  generic 0", text);
        Assert.Contains("error        http://en.wuxi.gov.cn/b.htm  (HTTP 500 Internal Server Error (after 4 attempts))", text);
        // The per-URL lines are the display's business on a terminal: none go to stderr as log lines.
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public async Task Not_on_a_terminal_each_event_is_a_log_line_with_its_utc_time_and_level()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, 89, TimeSpan.Zero));
        var (console, written) = Terminal();
        var stderr = new StringWriter();
        using var display = new CrawlDisplay(stderr, quiet: false, live: false, logFile: null, clock, console);

        await display.RunAsync(() =>
        {
            var totals = new RunCounts(Fetched: 1);
            display.Report(Event("http://en.wuxi.gov.cn/a.htm", "new", totals, remaining: 2, elapsed: TimeSpan.FromSeconds(1)));
            clock.Advance(TimeSpan.FromMilliseconds(1500));
            display.Report(Event("http://en.wuxi.gov.cn/b.htm", "not-fetched", totals, remaining: 1, elapsed: TimeSpan.FromSeconds(2), detail: "disallowed by robots.txt"));
            display.Report(Event("http://en.wuxi.gov.cn/c.htm", "error", totals, remaining: 0, elapsed: TimeSpan.FromSeconds(3), detail: "HTTP 404 Not Found"));
            return Task.FromResult(0);
        });

        Assert.Equal(
            [
                "2026-03-04T05:06:07.089Z info  new          http://en.wuxi.gov.cn/a.htm",
                "2026-03-04T05:06:08.589Z warn  not-fetched  http://en.wuxi.gov.cn/b.htm  (disallowed by robots.txt)",
                "2026-03-04T05:06:08.589Z error error        http://en.wuxi.gov.cn/c.htm  (HTTP 404 Not Found)",
            ],
            stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", written()); // no live display
    }

    /// <summary>The Biz Updates section of the samples, each article answered slowly so the display has a crawl to show.</summary>
    private static async Task<LoopbackSite> SlowSiteAsync()
    {
        var site = await LoopbackSite.StartAsync(RepoPaths.Samples, "en.wuxi.gov.cn");
        foreach (var path in ArticlePaths)
            site.On(path, LoopbackResponse.Slow(TimeSpan.FromMilliseconds(700)));
        return site;
    }

    private string[] CrawlArgs(LoopbackSite site, string db) =>
    [
        "crawl", "--start", site.Url("/bizupdates.html").AbsoluteUri, "--site", "en.wuxi.gov.cn", "--delay", "0",
        "--concurrency", "1", "--db", _temp.File(db), "--format", "json",
    ];

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''") + "'";

    [Fact]
    public async Task The_cli_draws_the_live_display_on_a_terminal_and_writes_log_lines_to_a_pipe()
    {
        await using var site = await SlowSiteAsync();
        var args = CrawlArgs(site, "terminal.db");

        // Under a pseudo-terminal 120 columns wide, as an operator running it by hand would see it.
        var command = "stty cols 120 rows 40; exec dotnet " + string.Join(' ', new[] { CliRunner.CliDll }.Concat(args).Select(Quote));
        var onTerminal = await CliRunner.RunProgramAsync("script", ["-q", "-e", "-c", command, "/dev/null"], Patience,
            new Dictionary<string, string> { ["TERM"] = "xterm-256color" });

        Assert.True(onTerminal.ExitCode == 0, onTerminal.Out + onTerminal.Error);
        Assert.Contains("\x1b[", onTerminal.Out);
        var text = AnsiSequence().Replace(onTerminal.Out, "");
        var frames = ProgressLine().Matches(text).ToList();
        Assert.True(frames.Count > 0, "no progress line was drawn:\n" + text);
        // While the crawl ran: some pages done, some left, a rate and an estimate of the time left.
        Assert.Contains(frames, f => int.Parse(f.Groups["done"].Value) < int.Parse(f.Groups["total"].Value)
                                     && f.Groups["left"].Value.StartsWith('≈') && double.Parse(f.Groups["rate"].Value) > 0);
        // At the end every fetch is done: robots.txt, the 2 list pages and the 7 articles.
        var last = frames[^1];
        Assert.Equal(last.Groups["total"].Value, last.Groups["done"].Value);
        Assert.Equal("10", last.Groups["done"].Value);
        Assert.Matches(@"discovered \d+ +fetched 10 +unchanged 0 +new 7 +changed \d+ +errors 0", text);
        // The per-URL events are the display's: no log lines on the terminal.
        Assert.DoesNotContain(text.Split('\n'), line => LogLine.Outcome(line.TrimEnd('\r')) is not null);

        // The same crawl with stderr piped (cron, systemd): log lines only, no control sequences.
        var piped = await CliRunner.RunProcessAsync(Patience, null, CrawlArgs(site, "piped.db"));
        Assert.True(piped.ExitCode == 0, piped.Error);
        Assert.DoesNotContain('\x1b', piped.Error);
        var lines = piped.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.Matches(LogLine.Pattern(), line));
        Assert.Equal(ArticlePaths.Length, lines.Count(line => LogLine.Outcome(line) == "new"));
    }
}
