using System.CommandLine;
using System.Globalization;
using System.Text.Json;
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
        var sections = new Option<string?>("--sections") { Description = "Comma-separated section names to crawl (e.g. bizupdates,news): their /<name>.html lists" };
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
        var rules = SiteRulesOption.Create();
        var every = new Option<string?>("--every")
        {
            Description = "Watch mode: crawl, then again every DURATION (e.g. 6h, 30m, 1d) from the start of the previous crawl, "
                          + "holding the archive's lock throughout, until SIGINT or SIGTERM",
            HelpName = "DURATION",
        };
        var command = new Command("crawl",
            "Discover, fetch politely and archive the sites' articles; resumes a crawl that was killed.\n" + ScraperCli.ExitCodeHelp
            + " A crawl stopped by SIGINT or SIGTERM finishes the page in flight, records the run as interrupted and exits 130 or 143.")
        {
            site, db, sections, since, maxPages, revisit, concurrency, delay, start, mirror, images, userAgent, quiet, format, wait, every, rules,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context, new Settings(
            parse.GetValue(site)!, parse.GetValue(db), parse.GetValue(sections), parse.GetValue(since), parse.GetValue(maxPages),
            parse.GetValue(revisit)!, parse.GetValue(concurrency), parse.GetValue(delay), parse.GetValue(start) ?? [], parse.GetValue(mirror),
            parse.GetValue(images), parse.GetValue(userAgent), parse.GetValue(quiet), parse.GetValue(format)!, parse.GetValue(wait),
            parse.GetValue(every), parse.GetValue(rules)), cancellationToken));
        return command;
    }

    private sealed record Settings(string Site, string? Db, string? Sections, string? Since, int? MaxPages, string Revisit, int Concurrency,
        int? Delay, string[] Start, string? Mirror, bool Images, string? UserAgent, bool Quiet, string Format, bool Wait,
        string? Every, string? Rules);

    /// <summary>Watch mode's shortest interval: shorter ones are typos for minutes or hours, and would hammer the sites.</summary>
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);

    private static async Task<int> RunAsync(CliContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = BuildOptions(settings);
        TimeSpan? interval = null;
        if (settings.Every is not null)
        {
            if (!Durations.TryParse(settings.Every, out var parsed) || parsed < MinimumInterval)
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

        // SIGINT and SIGTERM stop the crawl gracefully: the page in flight is finished and the run recorded as interrupted.
        using var stop = new StopSignals(cancellationToken);

        var dbPath = ArchiveLocation.Resolve(settings.Db);
        CrawlLock crawlLock;
        try { crawlLock = await CrawlLock.AcquireAsync(dbPath, settings.Wait, stop.Token); }
        catch (ArchiveLockedException e) { throw new CommandFailedException(e.Message, ExitCodes.Locked); }
        catch (OperationCanceledException) { return stop.ExitCode; }
        using var _ = crawlLock;

        await using var store = await ArchiveLocation.OpenAsync(settings.Db, ArchiveAccess.ReadWrite, CancellationToken.None);
        using var http = settings.Mirror is null ? new HttpPageSource() : null;
        IPageSource source = settings.Mirror is null ? http! : new MirrorPageSource(settings.Mirror);
        var live = !Console.IsErrorRedirected && ReferenceEquals(context.Error, Console.Error);

        // Watch mode repeats the whole crawl under the same lock; a stop during the pause ends it between two runs.
        while (true)
        {
            var started = DateTimeOffset.UtcNow;
            // A new downloader per run: robots.txt is fetched once per host per run, so a changed robots.txt is seen.
            var crawler = new Crawler(store, new Downloader(source, fetchOptions), options);
            var display = new CrawlDisplay(context.Error, settings.Quiet, live);
            CrawlSummary summary;
            try
            {
                summary = await crawler.RunAsync(display, stop.Token);
            }
            catch (ArchiveException e)
            {
                throw ArchiveLocation.ToCommandFailure(e);
            }
            finally
            {
                display.Finish();
            }

            context.Out.WriteLine(settings.Format == "json" ? SummaryJson(summary, dbPath) : SummaryText(summary, dbPath));
            await context.Out.FlushAsync(CancellationToken.None);
            if (summary.Status == "interrupted") return stop.ExitCode;
            if (interval is not { } every)
            {
                return summary.Status switch
                {
                    "ok" => ExitCodes.Ok,
                    "partial" => ExitCodes.Partial,
                    _ => ExitCodes.Failed,
                };
            }
            // The next run starts one interval after this one started (at once if this one took longer), so runs keep their rhythm.
            var next = started + every;
            var pause = next - DateTimeOffset.UtcNow;
            if (pause < TimeSpan.Zero) { pause = TimeSpan.Zero; next = DateTimeOffset.UtcNow; }
            if (!settings.Quiet)
                context.Error.WriteLine($"next crawl at {next.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (every {Durations.Format(every)})");
            try { await Task.Delay(pause, stop.Token); }
            catch (OperationCanceledException) { return stop.ExitCode; }
        }
    }

    private static CrawlOptions BuildOptions(Settings settings)
    {
        var catalog = SiteRulesOption.Load(settings.Rules);
        IReadOnlyList<SiteRule> sites = settings.Site switch
        {
            "all" => catalog.Rules,
            _ => [catalog.Find(settings.Site) ?? throw new UsageException($"--site '{settings.Site}' is not a known site ({string.Join(", ", catalog.Rules.Select(r => r.Site))} or all)")],
        };
        if (settings.Concurrency < 1) throw new UsageException("--concurrency must be at least 1");
        if (settings.MaxPages is < 1) throw new UsageException("--max-pages must be at least 1");
        if (settings.Delay is < 0) throw new UsageException("--delay must be 0 or more milliseconds");
        DateOnly? since = null;
        if (settings.Since is not null)
        {
            if (!DateOnly.TryParseExact(settings.Since, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                throw new UsageException($"--since '{settings.Since}' is not a date (YYYY-MM-DD)");
            since = day;
        }
        var sectionNames = settings.Sections?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (sectionNames.Any(s => !s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw new UsageException("--sections takes names like bizupdates,news");

        List<Uri> startUrls;
        if (settings.Start.Length > 0)
        {
            startUrls = [];
            foreach (var text in settings.Start)
            {
                if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                    throw new UsageException($"--start '{text}' is not an http(s) URL");
                startUrls.Add(url);
            }
            // The crawl's hosts become the start URLs' hosts, with the chosen site's rules (how tests crawl a loopback server).
            var foreign = startUrls.Where(u => catalog.Match(u) is null).Select(u => u.Host.ToLowerInvariant()).Distinct().ToList();
            if (foreign.Count > 0)
            {
                if (sites.Count != 1) throw new UsageException("--start with hosts of no known site needs --site en.wuxi.gov.cn or --site wnd.gov.cn");
                sites = [sites[0] with { Hosts = foreign }];
            }
            else
            {
                sites = sites.Where(s => startUrls.Any(u => catalog.Match(u)?.Site == s.Site)).ToList();
            }
        }
        else
        {
            startUrls = sites.SelectMany(s => s.StartUrls.Select(u => new Uri(u))).ToList();
        }
        if (sectionNames.Length > 0)
        {
            var wanted = sectionNames.Select(n => "/" + n.ToLowerInvariant()).ToHashSet();
            var kept = startUrls.Where(u => wanted.Contains(ListPageReader.SectionStem(u).ToLowerInvariant())).ToList();
            // Sections the rules do not start from are the site's /<name>.html lists on its first host.
            foreach (var name in wanted.Where(w => !kept.Any(u => ListPageReader.SectionStem(u).Equals(w, StringComparison.OrdinalIgnoreCase))))
                foreach (var rule in sites)
                {
                    var origin = startUrls.FirstOrDefault(u => catalog.Match(u)?.Site == rule.Site || rule.Hosts.Contains(u.Host))
                                 ?? new Uri("https://" + rule.Hosts[0].Split('/')[0] + "/");
                    kept.Add(new Uri(origin, name + ".html"));
                }
            startUrls = kept;
        }
        return new CrawlOptions
        {
            Sites = sites,
            StartUrls = startUrls,
            Since = since,
            MaxPages = settings.MaxPages,
            Revisit = settings.Revisit switch { "all" => RevisitMode.All, "none" => RevisitMode.None, _ => RevisitMode.Due },
            Concurrency = settings.Concurrency,
            Images = settings.Images,
        };
    }

    private static string SummaryText(CrawlSummary s, string db)
    {
        var c = s.Counts;
        return $"crawl {s.Status} (run {s.RunId}{(s.Resumed ? ", resumed" : "")}) in {s.Elapsed.TotalSeconds:0.0} s: "
               + $"{c.Discovered} discovered, {c.Fetched} fetched, {c.Unchanged} unchanged, {c.NewPages} new, {s.Changed} changed, "
               + $"{c.Errors} errors, {c.GenericFallbacks} generic fallbacks, {c.SelectorMisses} with selector misses; {s.Pending} still queued; archive {db}";
    }

    private static string SummaryJson(CrawlSummary s, string db) => JsonSerializer.Serialize(new
    {
        run = s.RunId,
        status = s.Status,
        resumed = s.Resumed,
        discovered = s.Counts.Discovered,
        fetched = s.Counts.Fetched,
        unchanged = s.Counts.Unchanged,
        new_pages = s.Counts.NewPages,
        new_revisions = s.Counts.NewRevisions,
        changed = s.Changed,
        errors = s.Counts.Errors,
        generic_fallbacks = s.Counts.GenericFallbacks,
        selector_misses = s.Counts.SelectorMisses,
        pending = s.Pending,
        seconds = Math.Round(s.Elapsed.TotalSeconds, 3),
        pages_per_second = Math.Round(s.PagesPerSecond, 2),
        archive = db,
    });

    /// <summary>Progress: a live status line on a terminal, plain log lines otherwise, nothing with --quiet.</summary>
    private sealed class CrawlDisplay(TextWriter error, bool quiet, bool live) : IProgress<CrawlEvent>
    {
        private readonly Lock _gate = new();
        private DateTime _lastDraw;
        private bool _drawn;

        public void Report(CrawlEvent e)
        {
            if (quiet) return;
            lock (_gate)
            {
                if (!live)
                {
                    error.WriteLine($"{e.Outcome,-12} {e.Url}{(e.Detail is null ? "" : "  (" + e.Detail + ")")}");
                    return;
                }
                if (e.Outcome == "error") { Clear(); error.WriteLine($"error        {e.Url}  ({e.Detail})"); }
                if ((DateTime.UtcNow - _lastDraw).TotalMilliseconds < 100 && e.Outcome != "error") return;
                _lastDraw = DateTime.UtcNow;
                var t = e.Totals;
                var rate = e.Elapsed.TotalSeconds > 0 ? t.Fetched / e.Elapsed.TotalSeconds : 0;
                error.Write($"\r\u001b[Kdiscovered {t.Discovered}  fetched {t.Fetched}  unchanged {t.Unchanged}  new {t.NewPages}  changed {e.Changed}  errors {t.Errors}  {rate:0.0}/s");
                _drawn = true;
            }
        }

        private void Clear()
        {
            if (_drawn) error.Write("\r\u001b[K");
        }

        public void Finish()
        {
            lock (_gate)
            {
                if (live && _drawn) error.WriteLine();
            }
        }
    }
}
