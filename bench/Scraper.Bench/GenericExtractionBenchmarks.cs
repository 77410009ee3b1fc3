using BenchmarkDotNet.Attributes;
using Scraper.Extraction;
using Scraper.Extraction.Generic;
using Scraper.Sites;

namespace Scraper.Bench;

/// <summary>
/// The generic extractor on real pages of the Readability corpus (../shared/corpora/readability-test-pages, read
/// in place): decode, parse and extract, as for a host without site rules. One operation is one page, so
/// pages/s = 1 s / mean. "MedianPage" is the corpus's page of median size (the 66th of 130 by bytes: topicseed-1,
/// 110 KB), "LargestPage" its largest (yahoo-2, 1.6 MB) and "MostElementsPage" the one with the most elements
/// (wikipedia-2, 1 MB and some 10,000 elements), the slowest to extract.
/// </summary>
[MemoryDiagnoser]
public class GenericExtractionBenchmarks
{
    private readonly ArticleExtractor _extractor = new(SiteCatalog.Default);
    private byte[] _median = null!;
    private byte[] _largest = null!;
    private byte[] _mostElements = null!;

    [GlobalSetup]
    public void Setup()
    {
        var folder = Path.GetFullPath(Path.Combine(BenchPaths.Root, "..", "shared", "corpora", "readability-test-pages"));
        if (!Directory.Exists(folder)) throw new InvalidOperationException($"the corpus folder {folder} is absent (see ../shared/corpora/README.md)");
        var pages = ReferenceCorpus.Load(folder).Select(p => File.ReadAllBytes(p.SourcePath)).ToList();
        var bySize = pages.OrderBy(p => p.Length).ToList();
        _median = bySize[bySize.Count / 2];
        _largest = bySize[^1];
        var loader = new HtmlDocumentLoader();
        _mostElements = pages.MaxBy(p => loader.Load(p, null).All.Length)!;
    }

    [Benchmark]
    public Article MedianPage() => _extractor.Extract(ReferenceCorpus.PageUrl, _median, null).Article;

    [Benchmark]
    public Article LargestPage() => _extractor.Extract(ReferenceCorpus.PageUrl, _largest, null).Article;

    [Benchmark]
    public Article MostElementsPage() => _extractor.Extract(ReferenceCorpus.PageUrl, _mostElements, null).Article;
}
