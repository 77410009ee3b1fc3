using System.Globalization;
using Scraper.Crawling;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Scraper.Cli;

/// <summary>
/// What a crawl tells its operator. Not on a terminal (cron, systemd, a pipe): one line per event on stderr, each
/// starting with the ISO 8601 UTC time and a level (<c>info</c>, <c>warn</c>, <c>error</c>), the same lines appended to
/// <c>--log-file</c>. On a terminal: a live display of the counts, the rate, the elapsed time and an estimate of what
/// remains, with the latest errors under it. <c>--quiet</c> prints neither (the log file still gets its lines).
/// </summary>
internal sealed class CrawlDisplay : IProgress<CrawlEvent>, IDisposable
{
    private const int ErrorsShown = 5;

    private readonly TextWriter _error;
    private readonly bool _quiet;
    private readonly bool _live;
    private readonly StreamWriter? _logFile;
    private readonly TimeProvider _clock;
    private readonly IAnsiConsole? _console;
    private readonly Lock _gate = new();
    private readonly Queue<string> _latestErrors = new();
    private CrawlEvent? _latest;

    /// <param name="live">stderr is a terminal: draw the live display instead of log lines.</param>
    /// <param name="console">Where the live display is drawn; null for a console on <paramref name="error"/>.</param>
    /// <exception cref="IOException">The log file cannot be opened for appending.</exception>
    public CrawlDisplay(TextWriter error, bool quiet, bool live, string? logFile, TimeProvider? clock = null, IAnsiConsole? console = null)
    {
        _error = error;
        _quiet = quiet;
        _live = live && !quiet;
        _clock = clock ?? TimeProvider.System;
        _console = console;
        if (logFile is not null)
            _logFile = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public void Report(CrawlEvent e)
    {
        var level = e.Outcome switch
        {
            "error" => "error",
            "not-fetched" => "warn",
            _ => "info",
        };
        var text = $"{e.Outcome,-12} {TerminalText.Safe(e.Url)}{(e.Detail is null ? "" : "  (" + TerminalText.Safe(e.Detail) + ")")}";
        lock (_gate)
        {
            _latest = e;
            if (_live && level == "error")
            {
                _latestErrors.Enqueue(text);
                while (_latestErrors.Count > ErrorsShown) _latestErrors.Dequeue();
            }
        }
        WriteLog(level, text, toStderr: !_live);
    }

    /// <summary>A line for the operator outside the per-URL events (the next run's time in watch mode).</summary>
    public void Info(string message) => WriteLog("info", message, toStderr: true);

    /// <summary>The run's summary in the log file (stdout has it too).</summary>
    public void Summary(string level, string message) => WriteLog(level, message, toStderr: false);

    private void WriteLog(string level, string message, bool toStderr)
    {
        var line = $"{Timestamp()} {level,-5} {message}";
        lock (_gate)
        {
            _logFile?.WriteLine(line);
            if (toStderr && !_quiet) _error.WriteLine(_live ? message : line);
        }
    }

    /// <summary>Runs <paramref name="crawl"/> under the live display (on a terminal), refreshing it four times a second.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> crawl)
    {
        if (!_live) return await crawl();
        var console = _console ?? AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(_error),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
        });
        T result = default!;
        await console.Live(Render()).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
        {
            var work = crawl();
            while (!work.IsCompleted)
            {
                context.UpdateTarget(Render());
                await Task.WhenAny(work, Task.Delay(250));
            }
            context.UpdateTarget(Render());
            result = await work;
        });
        return result;
    }

    private IRenderable Render()
    {
        CrawlEvent? e;
        string[] errors;
        lock (_gate)
        {
            e = _latest;
            errors = _latestErrors.ToArray();
        }
        if (e is null) return new Markup("[grey]starting: robots.txt, sitemaps, lists…[/]");
        var t = e.Totals;
        var done = t.Fetched + t.Errors;
        var rate = e.Elapsed.TotalSeconds > 0 ? done / e.Elapsed.TotalSeconds : 0;
        var left = rate > 0 && e.Remaining > 0 ? TimeSpan.FromSeconds(e.Remaining / rate) : (TimeSpan?)null;
        var total = done + e.Remaining;
        var width = 30;
        var filled = total > 0 ? (int)Math.Round(width * (double)done / total) : 0;
        var bar = new string('█', filled) + new string('░', width - filled);
        var lines = new List<IRenderable>
        {
            new Markup($"[green]{bar}[/] {done}/{total}  {rate.ToString("0.0", CultureInfo.InvariantCulture)} pages/s  "
                       + $"elapsed {Clock(e.Elapsed)}  left {(left is { } l ? "≈ " + Clock(l) : "?")}"),
            new Markup($"discovered {t.Discovered}  fetched {t.Fetched}  unchanged {t.Unchanged}  new {t.NewPages}  "
                       + $"changed {e.Changed}  [{(t.Errors > 0 ? "red" : "default")}]errors {t.Errors}[/]  generic {t.GenericFallbacks}"),
        };
        lines.AddRange(errors.Select(error => new Text(error, new Style(Color.Red))));
        return new Rows(lines);
    }

    private static string Clock(TimeSpan span) => span.TotalHours >= 1
        ? $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}"
        : $"{span.Minutes:00}:{span.Seconds:00}";

    private string Timestamp() => _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public void Dispose() => _logFile?.Dispose();
}
