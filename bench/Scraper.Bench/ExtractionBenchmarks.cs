using System.Text;
using BenchmarkDotNet.Attributes;
using Scraper.Extraction;
using Scraper.Sites;

namespace Scraper.Bench;

/// <summary>
/// Extraction throughput on one core: decode, parse, site rules, body reading. One operation is one page, so
/// pages/s = 1 s / mean. "Page60K" is the seed sample grown to 60 KB with more items of its own video sidebar
/// (a link, an image and a caption each), the size of a live page; "Page60KDense" grows it instead with copies of
/// its navigation's first item (<c>&lt;li&gt;&lt;a href="/"&gt;Home&lt;/a&gt;&lt;/li&gt;</c>), twice the elements
/// per KB: a worst case for the parser. "AllSamples" extracts every bundled article page once per operation.
/// </summary>
[MemoryDiagnoser]
public class ExtractionBenchmarks
{
    private readonly ArticleExtractor _extractor = new(SiteCatalog.Default);
    private Uri _url = null!;
    private byte[] _page60K = null!;
    private byte[] _page60KDense = null!;
    private (Uri Url, byte[] Body)[] _samples = null!;

    [GlobalSetup]
    public void Setup()
    {
        var seed = Path.Combine(BenchPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm");
        _url = SamplePaths.UrlForFile(seed)!;
        var html = File.ReadAllText(seed);
        _page60K = GrowTo(html, "<div class=\"side-videos\">", 60 * 1024);
        _page60KDense = GrowTo(html, "<div class=\"nav\">", 60 * 1024);
        _samples = Directory.EnumerateFiles(BenchPaths.Samples, "*.verified.json", SearchOption.AllDirectories)
            .Where(v => !v.EndsWith(".links.verified.json", StringComparison.Ordinal))
            .Select(v => Directory.EnumerateFiles(Path.GetDirectoryName(v)!, Path.GetFileName(v)[..^".verified.json".Length] + ".*htm*").First())
            .Select(p => (SamplePaths.UrlForFile(p)!, File.ReadAllBytes(p)))
            .ToArray();
    }

    [Benchmark]
    public Article Page60K() => _extractor.Extract(_url, _page60K, "text/html; charset=utf-8").Article;

    [Benchmark]
    public Article Page60KDense() => _extractor.Extract(_url, _page60KDense, "text/html; charset=utf-8").Article;

    [Benchmark(OperationsPerInvoke = 24)]
    public int AllSamples()
    {
        var paragraphs = 0;
        foreach (var (url, body) in _samples) paragraphs += _extractor.Extract(url, body, null).Article.Paragraphs.Count;
        return paragraphs;
    }

    /// <summary>
    /// Repeats the first list item after <paramref name="container"/> (boilerplate, as on the live site) until the page
    /// has the size. The container is looked for as markup: its class name alone also occurs in the page's CSS.
    /// </summary>
    private static byte[] GrowTo(string html, string container, int size)
    {
        var at = html.IndexOf(container, StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException($"the seed page has no {container}");
        var start = html.IndexOf("<li>", at, StringComparison.Ordinal);
        var end = html.IndexOf("</li>", start, StringComparison.Ordinal) + "</li>".Length;
        var item = html[start..end];
        var sb = new StringBuilder(html);
        while (Encoding.UTF8.GetByteCount(sb.ToString()) < size) sb.Insert(end, item);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
