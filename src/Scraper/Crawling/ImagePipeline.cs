using System.Threading.Channels;
using Scraper.Archive;
using Scraper.Fetching;

namespace Scraper.Crawling;

/// <summary>
/// <c>crawl --images</c>: every figure without its image gets it, fetched once per src (by several workers, through
/// the downloader's politeness) and stored once per sha256 by the caller's thread, the archive's only writer.
/// A failed or throwing fetch is that image's recorded error; a stop cancels the fetches in flight.
/// </summary>
internal sealed class ImagePipeline(ArchiveStore store, Downloader downloader, CrawlOptions options, TimeProvider clock)
{
    public async Task RunAsync(RunState run, CancellationToken stop)
    {
        var sources = await store.Images.ListFiguresWithoutImageAsync(options.Sites.Select(s => s.Site).ToList());
        if (sources.Count == 0) return;
        var queue = Channel.CreateUnbounded<string>();
        foreach (var src in sources) queue.Writer.TryWrite(src);
        queue.Writer.Complete();
        var fetched = Channel.CreateUnbounded<(string Src, FetchResult? Result, string? Failure)>(new UnboundedChannelOptions { SingleReader = true });
        var workers = Enumerable.Range(0, Math.Max(1, options.Concurrency)).Select(_ => Task.Run(async () =>
        {
            while (queue.Reader.TryRead(out var src))
            {
                if (stop.IsCancellationRequested) return;
                try
                {
                    var url = new Uri(src);
                    var result = await downloader.FetchAsync(new FetchRequest(url) { Kind = FetchContentKind.Image, Scope = HostScope.Of(url) }, stop);
                    fetched.Writer.TryWrite((src, result, null));
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
                catch (Exception e)
                {
                    fetched.Writer.TryWrite((src, null, $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}"));
                }
            }
        }, CancellationToken.None)).ToList();
        _ = Task.WhenAll(workers).ContinueWith(_ => fetched.Writer.TryComplete(), TaskScheduler.Default);
        try
        {
            await foreach (var (src, result, failure) in fetched.Reader.ReadAllAsync(stop))
            {
                if (result is { IsSuccess: true, Truncated: false })
                {
                    var sha = await store.Images.StoreImageAsync(src, result.Body, result.ContentType, CancellationToken.None,
                        new ImageFetch(clock.GetUtcNow(), result.StatusCode!.Value, result.RequestHead));
                    run.Report(src, "image", sha[..12], new RunCounts());
                    continue;
                }
                var error = failure is not null
                    ? new CrawlError("image", "fetching failed: " + failure)
                    : new CrawlError("image", result!.ErrorMessage ?? $"HTTP {result.StatusCode}", result.StatusCode);
                await store.Runs.RecordErrorAsync(run.RunId, src, error);
                run.Report(src, "error", error.Message, new RunCounts(Errors: 1));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }
}
