using System.Diagnostics;
using System.Globalization;
using Scraper.Extraction;
using Scraper.Extraction.Generic;
using Scraper.Sites;

namespace Scraper.Bench;

/// <summary>
/// <c>segments [DIR] [--quiet] [--only TEXT] [--dump DIR]</c>: extracts every page of trafilatura's evaluation set (by
/// default ../shared/corpora/trafilatura-eval) through the extraction cascade, as <c>scraper extract</c> does, from
/// the page's raw bytes and its own URL, and scores the article's <c>text</c> with the corpus's own rules (see
/// <see cref="SegmentCorpus"/>). Prints per page the segments found of those that belong (<c>with</c>) and leaked
/// of those that do not (<c>without</c>), each missed and each leaked segment, and the milliseconds taken; then the
/// totals, precision, recall, accuracy and F beside the published systems. <c>--quiet</c> prints the totals only,
/// <c>--only TEXT</c> the pages whose file or URL contains TEXT, <c>--dump DIR</c> writes each page's text to DIR.
/// Exit code 0, or 1 when a page failed.
/// </summary>
public static class SegmentsCommand
{
    /// <summary>The published scores (trafilatura's evaluation page, 990 documents; corpus README).</summary>
    private static readonly (string System, double Precision, double Recall, double Accuracy, double F)[] Published =
    [
        ("trafilatura 2.2.0 (standard)", 0.906, 0.943, 0.923, 0.924),
        ("trafilatura 2.2.0 (precision)", 0.925, 0.915, 0.921, 0.920),
        ("magic-html 0.1.8", 0.887, 0.891, 0.889, 0.889),
        ("justext 3.0.2 (custom)", 0.864, 0.859, 0.862, 0.862),
        ("news-please 1.6.16", 0.932, 0.758, 0.852, 0.836),
        ("readability-lxml 0.8.4.1", 0.898, 0.764, 0.839, 0.826),
        ("goose3 3.1.22", 0.936, 0.714, 0.833, 0.810),
        ("newspaper4k 0.9.6", 0.878, 0.736, 0.817, 0.801),
    ];

    public static int Run(string[] args)
    {
        var folder = Path.GetFullPath(Path.Combine(BenchPaths.Root, "..", "shared", "corpora", "trafilatura-eval"));
        var quiet = false;
        string? only = null, dump = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quiet": quiet = true; break;
                case "--only" when i + 1 < args.Length: only = args[++i]; break;
                case "--dump" when i + 1 < args.Length: dump = Path.GetFullPath(args[++i]); break;
                case var dir when !dir.StartsWith("--", StringComparison.Ordinal): folder = Path.GetFullPath(dir); break;
                default:
                    Console.Error.WriteLine($"segments: unknown option {args[i]}; usage: segments [DIR] [--quiet] [--only TEXT] [--dump DIR]");
                    return 2;
            }
        }
        if (!File.Exists(Path.Combine(folder, "evaldata.json")))
        {
            Console.Error.WriteLine($"segments: {folder}/evaldata.json does not exist (see ../shared/corpora/README.md)");
            return 2;
        }
        var pages = SegmentCorpus.Load(folder);
        if (only is not null)
            pages = pages.Where(p => p.File.Contains(only, StringComparison.OrdinalIgnoreCase) || p.Url.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
        if (dump is not null) Directory.CreateDirectory(dump);

        var extractor = new ArticleExtractor(SiteCatalog.Default);
        var results = new List<SegmentResult>();
        var failures = new List<string>();
        var times = new List<double>();
        var clock = new Stopwatch();
        foreach (var page in pages)
        {
            var bytes = File.ReadAllBytes(page.HtmlPath);
            string? text = null;
            clock.Restart();
            try { text = extractor.Extract(SegmentCorpus.UrlOf(page), bytes, null).Article.Text; }
            catch (Exception e)
            {
                failures.Add(page.File);
                Console.WriteLine($"{page.File}: FAILED: {e.GetType().Name}: {e.Message}");
            }
            times.Add(clock.Elapsed.TotalMilliseconds);
            var result = SegmentCorpus.Score(page, text);
            results.Add(result);
            if (dump is not null) File.WriteAllText(Path.Combine(dump, page.File + ".txt"), text ?? "");
            if (quiet) continue;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.TruePositives}/{page.With.Count} found  {result.FalsePositives}/{page.Without.Count} leaked  {times[^1],6:0.0} ms  {page.File}"));
            foreach (var missed in result.Missed) Console.WriteLine("    missed: " + Shorten(missed));
            foreach (var leaked in result.Leaked) Console.WriteLine("    leaked: " + Shorten(leaked));
        }

        var totals = SegmentTotals.Of(results);
        times.Sort();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pages {results.Count}, failed {failures.Count}; segments: with {totals.TruePositives + totals.FalseNegatives}, without {totals.FalsePositives + totals.TrueNegatives}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tp {totals.TruePositives}, fn {totals.FalseNegatives}, fp {totals.FalsePositives}, tn {totals.TrueNegatives}; pages with a miss {results.Count(r => r.Missed.Count > 0)}, with a leak {results.Count(r => r.Leaked.Count > 0)}"));
        if (times.Count > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ms per page (one pass, JIT warming up included): median {times[times.Count / 2]:0.0}, slowest {times[^1]:0.0}, total {times.Sum() / 1000:0.0} s"));
        Console.WriteLine();
        Console.WriteLine($"{"system",-32} {"precision",9} {"recall",7} {"accuracy",8} {"F",6}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"scraper (this build)",-32} {totals.Precision,9:0.000} {totals.Recall,7:0.000} {totals.Accuracy,8:0.000} {totals.F,6:0.000}"));
        if (only is null)
            foreach (var p in Published)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.System,-32} {p.Precision,9:0.000} {p.Recall,7:0.000} {p.Accuracy,8:0.000} {p.F,6:0.000}"));
        return failures.Count == 0 ? 0 : 1;
    }

    private static string Shorten(string segment)
    {
        var s = SegmentCorpus.Normalize(segment);
        return s.Length <= 140 ? s : s[..137] + "...";
    }
}
