using System.Diagnostics;
using System.Globalization;
using Scraper.Diffing;
using Scraper.Extraction;
using Scraper.Extraction.Generic;
using Scraper.Sites;

namespace Scraper.Bench;

/// <summary>
/// <c>corpus [DIR] [--repeat N] [--words]</c>: extracts every page of a reference corpus (by default
/// ../shared/corpora/readability-test-pages) through the extraction cascade and prints per page the token-level F1,
/// precision and recall against <c>expected.html</c>, whether title and byline agree with
/// <c>expected-metadata.json</c>, and the milliseconds one extraction takes (decode, parse, extract; the median of N
/// timed passes over the corpus after two untimed ones, by the wall clock and in the thread's CPU time), then the means and agreement rates. <c>--words</c> adds the words most missed and
/// most wrongly added on every page short of a perfect score.
/// </summary>
public static class CorpusCommand
{
    public static int Run(string[] args)
    {
        var folder = Path.GetFullPath(Path.Combine(BenchPaths.Root, "..", "shared", "corpora", "readability-test-pages"));
        var repeat = 5;
        var words = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--repeat" when i + 1 < args.Length && int.TryParse(args[i + 1], out var count) && count > 0: repeat = count; i++; break;
                case "--words": words = true; break;
                case var dir when !dir.StartsWith("--", StringComparison.Ordinal): folder = Path.GetFullPath(dir); break;
                default:
                    Console.Error.WriteLine($"corpus: unknown option {args[i]}; usage: corpus [DIR] [--repeat N] [--words]");
                    return 2;
            }
        }
        if (!Directory.Exists(folder))
        {
            Console.Error.WriteLine($"corpus: {folder} does not exist");
            return 2;
        }
        var pages = ReferenceCorpus.Load(folder);
        if (pages.Count == 0)
        {
            Console.Error.WriteLine($"corpus: no page folders (source.html + expected.html) in {folder}");
            return 2;
        }

        var extractor = new ArticleExtractor(SiteCatalog.Default);
        var loader = new HtmlDocumentLoader();
        var sources = pages.Select(p => File.ReadAllBytes(p.SourcePath)).ToArray();
        var articles = new Article?[pages.Count];
        var failures = 0;
        for (var i = 0; i < pages.Count; i++)
        {
            try { articles[i] = extractor.Extract(ReferenceCorpus.PageUrl, sources[i], null).Article; }
            catch (Exception e)
            {
                failures++;
                Console.WriteLine($"{pages[i].Name,-40} FAILED: {e.GetType().Name}: {e.Message}");
            }
        }

        // Timing: two untimed passes let the JIT finish optimising, then each page's median of N timed passes, by the
        // wall clock and by the thread's CPU time (which other processes on a shared machine do not inflate).
        var times = new double[pages.Count][];
        var cpuTimes = new double[pages.Count][];
        for (var pass = -2; pass < repeat; pass++)
        {
            for (var i = 0; i < pages.Count; i++)
            {
                if (articles[i] is null) continue;
                var cpu = ThreadCpuTime.Now();
                var clock = Stopwatch.StartNew();
                extractor.Extract(ReferenceCorpus.PageUrl, sources[i], null);
                var wall = clock.Elapsed.TotalMilliseconds;
                var cpuAfter = ThreadCpuTime.Now();
                if (pass < 0) continue;
                (times[i] ??= new double[repeat])[pass] = wall;
                (cpuTimes[i] ??= new double[repeat])[pass] = cpu is { } c && cpuAfter is { } a ? (a - c).TotalMilliseconds : double.NaN;
            }
        }

        var scores = new List<(PageScore Score, double Ms, double CpuMs)>();
        Console.WriteLine($"{"page",-40} {"F1",6} {"prec",6} {"recall",6}  title byline {"ms",7} {"cpu ms",7}");
        for (var i = 0; i < pages.Count; i++)
        {
            if (articles[i] is not { } article) continue;
            var page = pages[i];
            Array.Sort(times[i]);
            Array.Sort(cpuTimes[i]);
            var ms = times[i][repeat / 2];
            var cpuMs = cpuTimes[i][repeat / 2];
            var score = ReferenceCorpus.Score(page, article, loader);
            scores.Add((score, ms, cpuMs));
            var t = score.Text;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{page.Name,-40} {t.F1,6:0.000} {t.Precision,6:0.000} {t.Recall,6:0.000}  {Mark(score.TitleAgrees),-5} {Mark(score.BylineAgrees),-6} {ms,7:0.0} {cpuMs,7:0.0}"));
            if (words && t.F1 < 1) PrintWordDifferences(score, page, loader);
        }

        var n = scores.Count;
        var bylines = scores.Where(s => s.Score.BylineAgrees is not null).ToList();
        var slowest = scores.MaxBy(s => s.Ms);
        var slowestCpu = scores.MaxBy(s => s.CpuMs);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pages {pages.Count}, extracted {n}, failed {failures}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mean F1 {scores.Average(s => s.Score.Text.F1):0.000}, precision {scores.Average(s => s.Score.Text.Precision):0.000}, recall {scores.Average(s => s.Score.Text.Recall):0.000}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pages under F1 0.5: {scores.Count(s => s.Score.Text.F1 < 0.5)} ({string.Join(", ", scores.Where(s => s.Score.Text.F1 < 0.5).Select(s => s.Score.Name))})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"title agreement {scores.Count(s => s.Score.TitleAgrees)}/{n} ({100.0 * scores.Count(s => s.Score.TitleAgrees) / n:0.0} %)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"byline agreement {bylines.Count(s => s.Score.BylineAgrees == true)}/{bylines.Count} ({100.0 * bylines.Count(s => s.Score.BylineAgrees == true) / Math.Max(1, bylines.Count):0.0} %) of the pages whose reference has a byline"));
        var sorted = scores.Select(s => s.Ms).Order().ToList();
        var sortedCpu = scores.Select(s => s.CpuMs).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ms per page: median {sorted[n / 2]:0.0}, slowest {slowest.Ms:0.0} ({slowest.Score.Name}), total {sorted.Sum():0} for {n} pages"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cpu ms per page: median {sortedCpu[n / 2]:0.0}, slowest {slowestCpu.CpuMs:0.0} ({slowestCpu.Score.Name}), total {sortedCpu.Sum():0} for {n} pages"));
        return failures == 0 ? 0 : 1;
    }

    private static string Mark(bool? agrees) => agrees switch { true => "yes", false => "NO", null => "-" };

    /// <summary>The words the extraction has too few of (missed) and too many of (added), most frequent first.</summary>
    private static void PrintWordDifferences(PageScore score, ReferencePage page, HtmlDocumentLoader loader)
    {
        var expectedDocument = loader.Parse(File.ReadAllText(page.ExpectedHtmlPath));
        var expected = Bag(ExtractionScore.TextOf(expectedDocument.Body!));
        var ours = Bag(ExtractionScore.TextOf(score.Article));
        string Top(Dictionary<string, int> a, Dictionary<string, int> b) => string.Join(" ", a
            .Select(kv => (kv.Key, Excess: kv.Value - b.GetValueOrDefault(kv.Key))).Where(x => x.Excess > 0)
            .OrderByDescending(x => x.Excess).Take(25).Select(x => $"{x.Key}×{x.Excess}"));
        Console.WriteLine("    missed: " + Top(expected, ours));
        Console.WriteLine("    added:  " + Top(ours, expected));
        Console.WriteLine($"    title: {score.Article.Title} | expected: {page.Title}");
    }

    private static Dictionary<string, int> Bag(string text)
    {
        var bag = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in WordDiff.Words(text)) bag[word] = bag.GetValueOrDefault(word) + 1;
        return bag;
    }
}
