using System.Text;
using BenchmarkDotNet.Attributes;
using Scraper.Extraction;
using Scraper.Sites;

namespace Scraper.Bench;

/// <summary>
/// Extraction throughput on one core: decode, parse, site rules, body reading. One operation is one page, so
/// pages/s = 1 s / mean. "Page60K" is the seed sample grown to 60 KB with more of its own sidebar and
/// navigation, the size of a live page; "AllSamples" extracts every bundled article page once per operation.
/// </summary>
[MemoryDiagnoser]
public class ExtractionBenchmarks
{
    private readonly ArticleExtractor _extractor = new(SiteCatalog.Default);
    private Uri _url = null!;
    private byte[] _page60K = null!;
    private (Uri Url, byte[] Body)[] _samples = null!;

    [GlobalSetup]
    public void Setup()
    {
        var seed = Path.Combine(BenchPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm");
        _url = SamplePaths.UrlForFile(seed)!;
        _page60K = GrowTo(File.ReadAllText(seed), 60 * 1024);
        _samples = Directory.EnumerateFiles(BenchPaths.Samples, "*.verified.json", SearchOption.AllDirectories)
            .Where(v => !v.EndsWith(".links.verified.json", StringComparison.Ordinal))
            .Select(v => Directory.EnumerateFiles(Path.GetDirectoryName(v)!, Path.GetFileName(v)[..^".verified.json".Length] + ".*htm*").First())
            .Select(p => (SamplePaths.UrlForFile(p)!, File.ReadAllBytes(p)))
            .ToArray();
    }

    [Benchmark]
    public Article Page60K() => _extractor.Extract(_url, _page60K, "text/html; charset=utf-8").Article;

    [Benchmark(OperationsPerInvoke = 24)]
    public int AllSamples()
    {
        var paragraphs = 0;
        foreach (var (url, body) in _samples) paragraphs += _extractor.Extract(url, body, null).Article.Paragraphs.Count;
        return paragraphs;
    }

    /// <summary>Repeats the page's sidebar list items (boilerplate, as on the live site) until the page has the size.</summary>
    private static byte[] GrowTo(string html, int size)
    {
        var start = html.IndexOf("<li>", html.IndexOf("side-videos", StringComparison.Ordinal), StringComparison.Ordinal);
        var end = html.IndexOf("</li>", start, StringComparison.Ordinal) + "</li>".Length;
        var item = html[start..end];
        var sb = new StringBuilder(html);
        while (Encoding.UTF8.GetByteCount(sb.ToString()) < size) sb.Insert(end, item);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
