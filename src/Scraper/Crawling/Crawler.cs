using System.Collections.Concurrent;
using System.Threading.Channels;
using Scraper.Archive;
using Scraper.Extraction;
using Scraper.Fetching;
using Scraper.Sites;

namespace Scraper.Crawling;

/// <summary>
/// The crawl engine, Scrapy-style: it owns the queue (the frontier, kept in the archive), the scheduling and the stop.
/// Each run seeds a pass (<see cref="CrawlSeeder"/>), then claims frontier rows and hands each to a
/// <see cref="FetchWorker"/> (several at once); every worker's answer comes back as a value through a channel to this
/// loop, which has the <see cref="CrawlRecorder"/> store it: the archive's only writer. Figures' images come last
/// (<see cref="ImagePipeline"/>).
/// <para>
/// A stop (the token) is prompt in every phase: robots.txt and sitemap fetches at the start, requests in flight and
/// politeness waits are cancelled, not waited for; answers already in hand are recorded; rows in flight go back to
/// pending; the run is recorded as interrupted. A crawl killed outright resumes from the frontier the same way.
/// </para>
/// </summary>
public sealed class Crawler
{
    private readonly ArchiveStore _store;
    private readonly Downloader _downloader;
    private readonly CrawlOptions _options;
    private readonly TimeProvider _clock;
    private readonly FetchWorker _worker;
    private readonly CrawlSeeder _seeder;
    private readonly CrawlRecorder _recorder;
    private readonly ImagePipeline _images;

    /// <param name="reader">How pages are read into articles; by default the site rules of <paramref name="options"/>
    /// with <see cref="CrawlOptions.ExtractionBudget"/> and <see cref="CrawlOptions.ExtractionMemory"/>.</param>
    public Crawler(ArchiveStore store, Downloader downloader, CrawlOptions options, TimeProvider? clock = null, PageReader? reader = null)
    {
        _store = store;
        _downloader = downloader;
        _options = options;
        _clock = clock ?? TimeProvider.System;
        var sites = new SiteCatalog(options.Sites);
        reader ??= new PageReader(new ArticleExtractor(sites))
        {
            Budget = options.ExtractionBudget,
            MemoryGate = new ExtractionMemoryGate(options.ExtractionMemory),
        };
        var scope = ScopeOf(options);
        _worker = new FetchWorker(downloader, reader, scope, url => new Uri(store.Identity.Canonical(url)));
        _seeder = new CrawlSeeder(store, downloader, options, sites, scope);
        _recorder = new CrawlRecorder(store, _seeder, _clock);
        _images = new ImagePipeline(store, downloader, options, _clock);
    }

    /// <summary>
    /// The origins the crawl may fetch from: the sites' hosts (http and https on their default ports) and the exact
    /// origins of the start URLs (with <c>--start http://127.0.0.1:5000/…</c>, that port only).
    /// </summary>
    public static HostScope ScopeOf(CrawlOptions options) =>
        new(options.Sites.SelectMany(s => s.Hosts).Select(h => h.Split('/')[0])
            .Concat(options.StartUrls.Select(u => u.IsDefaultPort ? u.IdnHost : u.GetLeftPart(UriPartial.Authority))));

    /// <summary>Runs one crawl: a new pass, or the rest of a pass a killed or stopped crawl left. Never throws for a stop.</summary>
    /// <exception cref="ArchiveException">The archive itself failed (disk full, read-only…); the run is recorded as failed if it can be.</exception>
    public async Task<CrawlSummary> RunAsync(IProgress<CrawlEvent>? progress, CancellationToken stop)
    {
        var startedAt = _clock.GetUtcNow();
        var start = await _store.Frontier.BeginCrawlAsync(_options.Sites.Select(s => s.Site).ToList(), CancellationToken.None);
        var run = new RunState(start, progress, _clock);
        var robots = new ConcurrentQueue<RobotsFetch>();
        void OnRobots(RobotsFetch answer) => robots.Enqueue(answer);
        _downloader.RobotsAnswered += OnRobots;
        try
        {
            try
            {
                if (!start.Resumed)
                    await _seeder.SeedAsync(run, stop);
                await RunPassAsync(run, robots, stop);
                if (_options.Images && !stop.IsCancellationRequested)
                    await _images.RunAsync(run, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped during the start-up (robots.txt, sitemaps): nothing in flight is left claimed.
            }
            await RecordRobotsAsync(robots, run);
        }
        catch (Exception e) when (CrawlRecorder.IsArchiveFailure(e))
        {
            try { await _store.Frontier.EndRunAsync(start.RunId, "failed", CancellationToken.None); }
            catch (ArchiveException) { }
            throw;
        }
        finally
        {
            _downloader.RobotsAnswered -= OnRobots;
        }

        var counts = (await _store.Runs.GetRunAsync(start.RunId))?.Counts ?? new RunCounts();
        // Only a run without errors is ok; a run that fetched nothing because of them failed (a site unreachable).
        var status = stop.IsCancellationRequested ? "interrupted"
            : counts.Errors == 0 ? "ok"
            : counts.Fetched == 0 ? "failed"
            : "partial";
        await _store.Frontier.EndRunAsync(start.RunId, status);
        var pending = await _store.Frontier.CountPendingAsync(start.Pass, CancellationToken.None, start.Sites);
        return new CrawlSummary(start.RunId, status, start.Resumed, counts, run.Changed, run.Elapsed, pending)
        {
            StartedAt = startedAt,
            EndedAt = _clock.GetUtcNow(),
        };
    }

    /// <summary>Claims rows, runs them on workers and records their answers until the pass has none left, or the stop.</summary>
    private async Task RunPassAsync(RunState run, ConcurrentQueue<RobotsFetch> robots, CancellationToken stop)
    {
        var concurrency = Math.Max(1, _options.Concurrency);
        var results = Channel.CreateUnbounded<WorkResult>(new UnboundedChannelOptions { SingleReader = true });
        // Claimed rows (twice the concurrency, so a worker finds its next row at once) start in claim order as workers free up.
        var inFlight = new Dictionary<string, FrontierItem>(StringComparer.Ordinal);
        var waiting = new Queue<FrontierItem>();
        var running = 0;
        var dispatchedPages = 0;
        void StartWaiting()
        {
            while (running < concurrency && waiting.TryDequeue(out var next))
            {
                running++;
                _ = Task.Run(() => WorkAsync(next, results.Writer, stop), CancellationToken.None);
            }
        }
        while (true)
        {
            await RecordRobotsAsync(robots, run);
            var room = concurrency * 2 - inFlight.Count;
            if (_options.MaxPages is { } limit) room = Math.Min(room, limit - dispatchedPages);
            if (!stop.IsCancellationRequested && room > 0)
            {
                var claimed = await _store.Frontier.ClaimAsync(run.Pass, room, CancellationToken.None, run.Sites);
                foreach (var claimedItem in claimed)
                {
                    // Validators for a conditional GET come from the archive, which only this loop reads.
                    var item = claimedItem.Kind == FrontierKind.Page
                        ? claimedItem with
                        {
                            Validators = await _store.Reader.GetValidatorsAsync(new Uri(claimedItem.Url)),
                            Siblings = await _store.Reader.GetContinuationValidatorsAsync(new Uri(claimedItem.Url)),
                        }
                        : claimedItem;
                    inFlight[item.Url] = item;
                    waiting.Enqueue(item);
                    if (item.Kind == FrontierKind.Page) dispatchedPages++;
                }
                StartWaiting();
                if (claimed.Count > 0) continue;
            }
            if (inFlight.Count == 0) break;
            WorkResult result;
            try { result = await results.Reader.ReadAsync(stop); }
            catch (OperationCanceledException) { break; }
            inFlight.Remove(result.Item.Url);
            running--;
            StartWaiting();
            // robots.txt answers that came with this result are recorded first (an unreachable one is the host's error).
            await RecordRobotsAsync(robots, run);
            if (result.Cancelled) await _recorder.ReleaseAsync(result.Item, run);
            else await _recorder.RecordAsync(result, run);
        }
        if (inFlight.Count == 0) return;
        // Stopped: answers already in hand are recorded (their work is done); the rest go back to pending, not waited for.
        while (results.Reader.TryRead(out var done))
        {
            inFlight.Remove(done.Item.Url);
            if (done.Cancelled) await _recorder.ReleaseAsync(done.Item, run);
            else await _recorder.RecordAsync(done, run);
        }
        foreach (var item in inFlight.Values)
            await _recorder.ReleaseAsync(item, run);
    }

    /// <summary>One row on a worker; whatever happens, one answer is written.</summary>
    private async Task WorkAsync(FrontierItem item, ChannelWriter<WorkResult> results, CancellationToken stop)
    {
        WorkResult result;
        try
        {
            result = await _worker.RunAsync(item, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            result = new WorkResult(item) { Cancelled = true };
        }
        catch (Exception e)
        {
            result = WorkResult.Failed(item, null, new CrawlError("internal", $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}"));
        }
        results.TryWrite(result);
    }

    private async Task RecordRobotsAsync(ConcurrentQueue<RobotsFetch> robots, RunState run)
    {
        while (robots.TryDequeue(out var answer))
            await _recorder.RecordRobotsAsync(answer, run);
    }
}
