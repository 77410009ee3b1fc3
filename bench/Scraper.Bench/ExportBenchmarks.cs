using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Scraper.Archive;
using Scraper.Export;

namespace Scraper.Bench;

/// <summary>
/// <c>scraper export</c> of 100,000 archived articles (about 300 words each; the archive of
/// <see cref="ArchiveSearchBenchmarks"/>, generated once into the temp folder and reused): one operation is the whole
/// export, read from the archive and written to a null stream, so the time is the archive read plus the formatting.
/// Target for CSV: at most 10 s.
/// </summary>
[MemoryDiagnoser]
public class ExportBenchmarks
{
    private const int Articles = 100_000;
    private ArchiveStore _store = null!;

    [GlobalSetup]
    public void Setup() => _store = ArchiveStore.OpenAsync(ArchiveSearchBenchmarks.EnsureArchive(), ArchiveAccess.ReadOnly).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true)]
    public async Task Csv() => Expect(await CsvArticleWriter.WriteArticlesAsync(_store.Reader.ReadArticlesAsync(), Stream.Null, new CsvExportOptions()));

    [Benchmark]
    public async Task JsonLines() => Expect(await JsonLinesArticleWriter.WriteAsync(_store.Reader.ReadArticlesAsync(), Stream.Null));

    /// <summary>What <c>export --format warc --cdx</c> writes: the article pages' captures with their metadata records
    /// (links read from each body), every other page's captures and the images (none in this archive), and the index.</summary>
    [Benchmark]
    public async Task Warc()
    {
        var content = new WarcContent(_store.Exports.ReadCapturesAsync().Concat(_store.Exports.ReadOtherCapturesAsync())) { Images = _store.Exports.ReadImagesAsync() };
        var index = new CdxjIndex("bench.warc.gz");
        var written = await WarcWriter.WriteAsync(content, Stream.Null, new WarcFileInfo("scraper bench", null, DateTimeOffset.UtcNow), index);
        await index.WriteAsync(Stream.Null);
        Expect(written.Captures);
    }

    private static void Expect(long rows)
    {
        if (rows != Articles)
            throw new InvalidOperationException($"exported {rows} rows, expected {Articles}");
    }
}

/// <summary>
/// Whether export memory stays flat: <c>dotnet run -c Release --project bench/Scraper.Bench -- export-memory [ROWS]</c>
/// exports the first ROWS articles of the benchmark archive to CSV and prints the managed heap after a full collection
/// every 10,000 rows, and the process's peak working set at the end. Run it with 10000 and with 100000: streaming
/// means the two peaks are about the same.
/// </summary>
public static class ExportMemoryCheck
{
    public static async Task RunAsync(int rows)
    {
        var path = ArchiveSearchBenchmarks.EnsureArchive();
        await using var store = await ArchiveStore.OpenAsync(path, ArchiveAccess.ReadOnly);
        var clock = Stopwatch.StartNew();
        var written = await CsvArticleWriter.WriteArticlesAsync(Sample(store.Reader.ReadArticlesAsync(), rows), Stream.Null, new CsvExportOptions());
        clock.Stop();
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"exported {written:N0} rows in {clock.Elapsed.TotalSeconds:F2} s; peak working set {process.PeakWorkingSet64 / 1048576.0:F1} MiB");
    }

    private static async IAsyncEnumerable<T> Sample<T>(IAsyncEnumerable<T> items, int limit)
    {
        var count = 0;
        await foreach (var item in items)
        {
            if (count == limit) yield break;
            yield return item;
            if (++count % 10_000 == 0)
                Console.WriteLine($"{count,7:N0} rows: managed heap {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:F1} MiB");
        }
    }
}
