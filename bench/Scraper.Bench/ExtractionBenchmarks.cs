using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Scraper.Extraction;
using Scraper.Sites;

namespace Scraper.Bench;

/// <summary>
/// Extraction throughput on one core: decode, parse, site rules, body reading. One operation is one page, so
/// pages/s = 1 s / mean. "Page60K" is the seed sample grown to 60 KB with more items of its own video sidebar
/// (a link, an image and a caption each), the size of a live page; "Page60KDense" grows it instead with copies of
/// its navigation's first item (<c>&lt;li&gt;&lt;a href="/"&gt;Home&lt;/a&gt;&lt;/li&gt;</c>), twice the elements
/// per KB: a worst case for the parser. "AllSamples" extracts the 24 bundled article pages written in the markup the
/// rules' selectors know (the samples whose verified extraction has its body from a selector) once per operation;
/// "OtherMarkupSamples" the 33 written in other markups, whose fields and body come from the text anatomy.
/// </summary>
[MemoryDiagnoser]
public class ExtractionBenchmarks
{
    private readonly ArticleExtractor _extractor = new(SiteCatalog.Default);
    private Uri _url = null!;
    private byte[] _page60K = null!;
    private byte[] _page60KDense = null!;
    private (Uri Url, byte[] Body)[] _samples = null!;
    private (Uri Url, byte[] Body)[] _otherMarkups = null!;
    private const int SelectorSampleCount = 24, OtherMarkupSampleCount = 33;

    [GlobalSetup]
    public void Setup()
    {
        var seed = Path.Combine(BenchPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm");
        _url = SamplePaths.UrlForFile(seed)!;
        var html = File.ReadAllText(seed);
        _page60K = GrowTo(html, "<div class=\"side-videos\">", 60 * 1024);
        _page60KDense = GrowTo(html, "<div class=\"nav\">", 60 * 1024);
        _samples = Samples("selector");
        _otherMarkups = Samples("anatomy");
        // OperationsPerInvoke is a constant: a sample added without it changing would skew the time per page.
        if (_samples.Length != SelectorSampleCount || _otherMarkups.Length != OtherMarkupSampleCount)
            throw new InvalidOperationException($"{_samples.Length} and {_otherMarkups.Length} samples: update the benchmark's counts");
    }

    /// <summary>The article samples whose verified extraction has its body from <paramref name="bodyFrom"/>.</summary>
    private static (Uri Url, byte[] Body)[] Samples(string bodyFrom) =>
        Directory.EnumerateFiles(BenchPaths.Samples, "*.verified.json", SearchOption.AllDirectories)
            .Where(v => !v.EndsWith(".links.verified.json", StringComparison.Ordinal))
            .Where(v => JsonNode.Parse(File.ReadAllText(v))!["provenance"]?["body"]?.GetValue<string>() == bodyFrom)
            .Select(v => Directory.EnumerateFiles(Path.GetDirectoryName(v)!, Path.GetFileName(v)[..^".verified.json".Length] + ".*")
                .First(f => !f.EndsWith(".json", StringComparison.Ordinal)))
            .Select(p => (SamplePaths.UrlForFile(p)!, File.ReadAllBytes(p)))
            .ToArray();

    [Benchmark]
    public Article Page60K() => _extractor.Extract(_url, _page60K, "text/html; charset=utf-8").Article;

    [Benchmark]
    public Article Page60KDense() => _extractor.Extract(_url, _page60KDense, "text/html; charset=utf-8").Article;

    [Benchmark(OperationsPerInvoke = SelectorSampleCount)]
    public int AllSamples() => ExtractAll(_samples);

    [Benchmark(OperationsPerInvoke = OtherMarkupSampleCount)]
    public int OtherMarkupSamples() => ExtractAll(_otherMarkups);

    private int ExtractAll((Uri Url, byte[] Body)[] pages)
    {
        var paragraphs = 0;
        foreach (var (url, body) in pages) paragraphs += _extractor.Extract(url, body, null).Article.Paragraphs.Count;
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
