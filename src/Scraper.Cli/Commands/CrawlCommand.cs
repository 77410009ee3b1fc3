using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Scraper.Archive;
using Scraper.Crawling;
using Scraper.Fetching;
using Scraper.Sites;

namespace Scraper.Cli.Commands;

/// <summary><c>scraper crawl</c>: the main job, keeping the archive of both sites up to date.</summary>
public static class CrawlCommand
{
    public static Command Create(CliContext context)
    {
        var site = new Option<string>("--site") { Description = "en.wuxi.gov.cn, wnd.gov.cn or all", DefaultValueFactory = _ => "all" };
        var db = ArchiveLocation.CreateOption();
        var sections = new Option<string?>("--sections") { Description = "Only these sections (e.g. bizupdates,news: their /<name>.html lists), not every section the sites' navigation links to, nor the sitemaps" };
        var since = new Option<string?>("--since") { Description = "Skip articles the lists date before this day (YYYY-MM-DD); paging stops there" };
        var maxPages = new Option<int?>("--max-pages") { Description = "Stop after fetching this many pages (the rest stays queued for the next crawl)" };
        var revisit = new Option<string>("--revisit") { Description = "Which archived pages to check again: due (default), all, none", DefaultValueFactory = _ => "due" };
        revisit.AcceptOnlyFromAmong("due", "all", "none");
        var concurrency = new Option<int>("--concurrency") { Description = "Fetches in flight at once, across hosts (default 4)", DefaultValueFactory = _ => 4 };
        var delay = new Option<int?>("--delay") { Description = "Milliseconds between two requests to one host (default 1000; 0 with --mirror)" };
        var start = new Option<string[]>("--start") { Description = "Start from these URLs instead of the site's lists; the crawl's hosts are then theirs", AllowMultipleArgumentsPerToken = true };
        var mirror = new Option<string?>("--mirror") { Description = "Answer URLs from a folder laid out like samples/ (<host>/<path>) instead of the network" };
        var images = new Option<bool>("--images") { Description = "Download each figure's image once (stored by sha256)" };
        var userAgent = new Option<string?>("--user-agent") { Description = "The User-Agent header (default names the project and its URL)" };
        var quiet = new Option<bool>("--quiet") { Description = "No progress output; only the final summary" };
        var format = new Option<string>("--format") { Description = "Summary as text (default) or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var wait = new Option<bool>("--wait") { Description = "If another crawl holds the archive, wait for it instead of exiting with code 3" };
        var logFile = new Option<string?>("--log-file") { Description = "Append the log lines (with time and level) to FILE", HelpName = "FILE" };
        var rules = SiteRulesOption.Create();
        var every = new Option<string?>("--every")
        {
            Description = "Watch mode: crawl, then again every DURATION (e.g. 6h, 30m, 1d) from the start of the previous crawl, "
                          + "holding the archive's lock throughout, until SIGINT or SIGTERM",
            HelpName = "DURATION",
        };
        var notify = CrawlNotifications.CreateNotifyOption();
        var notifyFormat = CrawlNotifications.CreateFormatOption();
        var command = new Command("crawl",
            "Discover, fetch politely and archive the sites' articles; resumes a crawl that was killed.\n" + ScraperCli.ExitCodeHelp
            + " SIGINT or SIGTERM cancels the requests in flight, records the run as interrupted and exits 130 or 143 (a second one at once).")
        {
            site, db, sections, since, maxPages, revisit, concurrency, delay, start, mirror, images, userAgent, quiet, format, wait, every, logFile, notify, notifyFormat, rules,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context, new Settings(
            parse.GetValue(site)!, parse.GetValue(db), parse.GetValue(sections), parse.GetValue(since), parse.GetValue(maxPages),
            parse.GetValue(revisit)!, parse.GetValue(concurrency), parse.GetValue(delay), parse.GetValue(start) ?? [], parse.GetValue(mirror),
            parse.GetValue(images), parse.GetValue(userAgent), parse.GetValue(quiet), parse.GetValue(format)!, parse.GetValue(wait),
            parse.GetValue(every), parse.GetValue(logFile), parse.GetValue(notify) ?? [], parse.GetValue(notifyFormat)!, parse.GetValue(rules)), cancellationToken));
        return command;
    }

    private sealed record Settings(string Site, string? Db, string? Sections, string? Since, int? MaxPages, string Revisit, int Concurrency,
        int? Delay, string[] Start, string? Mirror, bool Images, string? UserAgent, bool Quiet, string Format, bool Wait,
        string? Every, string? LogFile, string[] Notify, string NotifyFormat, string? Rules);

    private static async Task<int> RunAsync(CliContext context, Settings settings, CancellationToken cancellationToken)
    {
        CrawlOptions options;
        try
        {
            options = CrawlPlanner.Plan(new CrawlRequest
            {
                Site = settings.Site, Sections = settings.Sections, Since = settings.Since, MaxPages = settings.MaxPages,
                Revisit = settings.Revisit, Concurrency = settings.Concurrency, Start = settings.Start, Images = settings.Images,
            }, SiteRulesOption.Load(settings.Rules));
        }
        catch (CrawlPlanException e) { throw new UsageException(e.Message); }
        if (settings.Delay is < 0) throw new UsageException("--delay must be 0 or more milliseconds");
        TimeSpan? interval = null;
        if (settings.Every is not null)
        {
            if (!Durations.TryParse(settings.Every, out var parsed) || parsed < CrawlWatch.MinimumInterval)
                throw new UsageException($"--every '{settings.Every}' is not a duration of at least 1s (e.g. 6h, 30m, 1d)");
            interval = parsed;
        }
        if (settings.Mirror is not null && !Directory.Exists(settings.Mirror))
            throw new UsageException($"--mirror {settings.Mirror}: no such folder");
        var fetchOptions = new FetchOptions
        {
            UserAgent = settings.UserAgent ?? FetchOptions.DefaultUserAgent,
            // A mirror is a folder, not a server to be polite to.
            HostDelay = TimeSpan.FromMilliseconds(settings.Delay ?? (settings.Mirror is null ? 1000 : 0)),
        };
        using var notifier = CrawlNotifications.Create(settings.Notify, settings.NotifyFormat);
        var live = !Console.IsErrorRedirected && ReferenceEquals(context.Error, Console.Error);
        var outIsTerminal = !Console.IsOutputRedirected && ReferenceEquals(context.Out, Console.Out);
        CrawlDisplay display;
        try { display = new CrawlDisplay(context.Error, settings.Quiet, live, settings.LogFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--log-file {settings.LogFile}: {e.Message.ReplaceLineEndings(" ")}");
        }
        using var _display = display;

        // SIGINT and SIGTERM stop the crawl in any phase: requests in flight are cancelled and the run recorded as interrupted.
        using var stop = new StopSignals(cancellationToken, context.Error);
        var location = ArchiveLocation.Resolve(settings.Db);
        var dbPath = ArchiveLocation.Display(location);
        CrawlLock crawlLock;
        try { crawlLock = await CrawlLock.AcquireAsync(location, options.Sites.Select(s => s.Site).ToList(), settings.Wait, stop.Token); }
        catch (ArchiveLockedException e) { throw new CommandFailedException(e.Message, ExitCodes.Locked); }
        catch (ArchiveException e) { throw ArchiveLocation.ToCommandFailure(e); }
        catch (OperationCanceledException) { return stop.ExitCode; }
        using var _lock = crawlLock;

        await using var store = await ArchiveLocation.OpenAsync(settings.Db, ArchiveAccess.ReadWrite, CancellationToken.None);
        if (stop.Token.IsCancellationRequested) return stop.ExitCode;
        using var http = settings.Mirror is null ? new HttpPageSource() : null;
        IPageSource source = settings.Mirror is null ? http! : new MirrorPageSource(settings.Mirror);

        // A new downloader per run: robots.txt is fetched once per host per run, so a changed robots.txt is seen.
        Task<CrawlSummary> CrawlOnce(CancellationToken token) =>
            display.RunAsync(() => new Crawler(store, new Downloader(source, fetchOptions), options).RunAsync(display, token));
        CrawlSummary? last;
        try
        {
            last = await new CrawlWatch().RunAsync(
                CrawlOnce,
                interval,
                async (summary, next) =>
                {
                    var (level, text) = SummaryText(summary, dbPath);
                    display.Summary(level, text);
                    context.Out.WriteLine(settings.Format == "json" ? SummaryJson(summary, dbPath)
                        : outIsTerminal ? text
                        : $"{Timestamp(summary.EndedAt)} {level,-5} {text}");
                    await context.Out.FlushAsync(CancellationToken.None);
                    await CrawlNotifications.SendAsync(context, notifier, store, summary.RunId, settings.Quiet, stop.Token);
                    if (next is { } at)
                        display.Info($"next crawl at {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (every {Durations.Format(interval!.Value)})");
                },
                stop.Token);
        }
        catch (ArchiveException e)
        {
            throw ArchiveLocation.ToCommandFailure(e);
        }
        catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
        {
            return stop.ExitCode;
        }
        if (last is null || last.Status == "interrupted") return stop.ExitCode;
        return last.Status switch
        {
            "ok" => ExitCodes.Ok,
            "partial" => ExitCodes.Partial,
            _ => ExitCodes.Failed,
        };
    }

    private static (string Level, string Text) SummaryText(CrawlSummary s, string db)
    {
        var c = s.Counts;
        var level = s.Status switch { "ok" => "info", "failed" => "error", _ => "warn" };
        return (level, $"crawl {s.Status} (run {s.RunId}{(s.Resumed ? ", resumed" : "")}) in {s.Elapsed.TotalSeconds:0.0} s: "
               + $"{c.Discovered} discovered, {c.Fetched} fetched, {c.Unchanged} unchanged, {c.NewPages} new, {s.Changed} changed, "
               + $"{c.Errors} errors, {c.GenericFallbacks} generic fallbacks, {c.SelectorMisses} with selector misses; {s.Pending} still queued; archive {db}"
               + (c.Errors > 0 ? " (scraper errors lists them)" : ""));
    }

    // A JsonObject rather than an anonymous type: the CLI is compiled ahead of time, without reflection-based JSON.
    private static string SummaryJson(CrawlSummary s, string db) => new JsonObject
    {
        ["run"] = s.RunId,
        ["status"] = s.Status,
        ["resumed"] = s.Resumed,
        ["started_at"] = Timestamp(s.StartedAt),
        ["ended_at"] = Timestamp(s.EndedAt),
        ["discovered"] = s.Counts.Discovered,
        ["fetched"] = s.Counts.Fetched,
        ["unchanged"] = s.Counts.Unchanged,
        ["new_pages"] = s.Counts.NewPages,
        ["new_revisions"] = s.Counts.NewRevisions,
        ["changed"] = s.Changed,
        ["errors"] = s.Counts.Errors,
        ["generic_fallbacks"] = s.Counts.GenericFallbacks,
        ["selector_misses"] = s.Counts.SelectorMisses,
        ["pending"] = s.Pending,
        ["seconds"] = Math.Round(s.Elapsed.TotalSeconds, 3),
        ["pages_per_second"] = Math.Round(s.PagesPerSecond, 2),
        ["archive"] = db,
    }.ToJsonString();

    private static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
