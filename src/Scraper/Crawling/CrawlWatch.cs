namespace Scraper.Crawling;

/// <summary>
/// Watch mode (<c>crawl --every 6h</c>): crawls again and again, each run starting one interval after the previous one
/// started (at once if a run took longer), so runs keep their rhythm. The caller holds the archive's lock throughout.
/// A stop ends it during a run (that run is recorded as interrupted) or during the pause between two.
/// </summary>
public sealed class CrawlWatch(TimeProvider? clock = null)
{
    /// <summary>The shortest interval: shorter ones are typos for minutes or hours, and would hammer the sites.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <param name="crawlOnce">One run (a new <see cref="Crawler"/> each time: robots.txt is fetched once per run).</param>
    /// <param name="every">The interval; null for a single run.</param>
    /// <param name="afterRun">Told each run's summary and when the next run starts (null when there is none).</param>
    /// <returns>The last run's summary, or null when the stop came during a pause.</returns>
    public async Task<CrawlSummary?> RunAsync(Func<CancellationToken, Task<CrawlSummary>> crawlOnce, TimeSpan? every,
        Func<CrawlSummary, DateTimeOffset?, Task> afterRun, CancellationToken stop)
    {
        if (every is { } checkedInterval && checkedInterval < MinimumInterval)
            throw new ArgumentOutOfRangeException(nameof(every), $"the interval must be at least {MinimumInterval.TotalSeconds:0} s");
        while (true)
        {
            var started = _clock.GetUtcNow();
            var summary = await crawlOnce(stop);
            if (summary.Status == "interrupted" || every is not { } interval)
            {
                await afterRun(summary, null);
                return summary;
            }
            var next = started + interval;
            var now = _clock.GetUtcNow();
            if (next < now) next = now;
            await afterRun(summary, next);
            try { await Task.Delay(next - now, _clock, stop); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return null; }
        }
    }
}
