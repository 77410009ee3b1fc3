using System.Collections.Concurrent;
using System.Text.Json;
using Scraper.Extraction;
using Scraper.Extraction.Generic;
using Scraper.Sites;
using Scraper.Tests.Support;

namespace Scraper.Tests.Extraction;

/// <summary>
/// trafilatura's evaluation set (990 real pages with hand-picked segments that must and must not be in the main
/// text) through the extraction cascade, scored as trafilatura scores it. The floors sit just under what the
/// generic extractor reaches (README, "The generic extractor"); <c>bench/Scraper.Bench -- segments</c> prints the
/// same numbers with a report per page.
/// </summary>
public sealed class SegmentCorpusTests
{
    private const string Corpus = "trafilatura-eval";

    [CorpusFact(Corpus)]
    public void The_generic_extractor_scores_above_the_published_extractors()
    {
        var pages = SegmentCorpus.Load(Path.Combine(RepoPaths.Corpora, Corpus));
        Assert.Equal(990, pages.Count);
        var extractor = new ArticleExtractor(SiteCatalog.Default);
        var results = new SegmentResult[pages.Count];
        var failures = new ConcurrentBag<string>();
        Parallel.For(0, pages.Count, i =>
        {
            string? text = null;
            try { text = extractor.Extract(SegmentCorpus.UrlOf(pages[i]), File.ReadAllBytes(pages[i].HtmlPath), null).Article.Text; }
            catch (Exception e) { failures.Add($"{pages[i].File}: {e.GetType().Name}: {e.Message}"); }
            results[i] = SegmentCorpus.Score(pages[i], text);
        });
        Assert.Empty(failures);

        var totals = SegmentTotals.Of(results);
        Assert.Equal((2951, 2966), (totals.TruePositives + totals.FalseNegatives, totals.FalsePositives + totals.TrueNegatives));
        // trafilatura 2.2.0 scores F 0.924 (precision 0.906, recall 0.943) here; see the corpus's README.
        Assert.True(totals.F >= 0.939, $"F {totals.F:0.0000}");
        Assert.True(totals.Precision >= 0.938, $"precision {totals.Precision:0.0000}");
        Assert.True(totals.Recall >= 0.940, $"recall {totals.Recall:0.0000}");
    }

    [Fact]
    public void Pages_and_segments_are_read_and_scored_as_trafilatura_does()
    {
        var folder = Directory.CreateTempSubdirectory("segments-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "cache"));
            Directory.CreateDirectory(Path.Combine(folder, "eval"));
            File.WriteAllText(Path.Combine(folder, "cache", "a.html"), "<p>cached</p>");
            File.WriteAllText(Path.Combine(folder, "eval", "a.html"), "<p>older copy</p>");
            File.WriteAllText(Path.Combine(folder, "eval", "b.html"), "<p>b</p>");
            var evaldata = new Dictionary<string, object>
            {
                ["https://example.org/a"] = new { file = "a.html", with = new[] { "The bridge\n  opens", "at dawn" }, without = new[] { "Related", "Share this" } },
                ["https://example.org/b"] = new { file = "b.html", with = new[] { "anything" }, without = new[] { "nothing" } },
                ["https://example.org/missing"] = new { file = "gone.html", with = new[] { "x" }, without = new[] { "y" } },
            };
            File.WriteAllText(Path.Combine(folder, "evaldata.json"), JsonSerializer.Serialize(evaldata));

            var pages = SegmentCorpus.Load(folder);
            // A page is read from cache/ before eval/; a page whose file is in neither is left out.
            Assert.Equal(["https://example.org/a", "https://example.org/b"], pages.Select(p => p.Url));
            Assert.Equal(Path.Combine(folder, "cache", "a.html"), pages[0].HtmlPath);

            // Whitespace runs count as one space, in the text and in the segments; a segment must be a substring.
            var a = SegmentCorpus.Score(pages[0], "The bridge opens\u00a0at   dawn.\n\nShare  this");
            Assert.Equal(["The bridge\n  opens", "at dawn"], a.Found);
            Assert.Equal(["Share this"], a.Leaked);
            Assert.Equal((2, 0, 1, 1), (a.TruePositives, a.FalseNegatives, a.FalsePositives, a.TrueNegatives));
            // Case counts, as in Python's "in".
            Assert.Equal(["The bridge\n  opens"], SegmentCorpus.Score(pages[0], "the bridge opens AT DAWN").Missed.Take(1));
            // A page the extractor fails on finds nothing and leaks nothing.
            var failed = SegmentCorpus.Score(pages[1], null);
            Assert.Equal((0, 1, 0, 1), (failed.TruePositives, failed.FalseNegatives, failed.FalsePositives, failed.TrueNegatives));

            // tp 2, fn 1, fp 1, tn 2.
            var totals = SegmentTotals.Of([a, failed]);
            Assert.Equal(2.0 / 3, totals.Precision, 6);
            Assert.Equal(2.0 / 3, totals.Recall, 6);
            Assert.Equal(4.0 / 6, totals.Accuracy, 6);
            Assert.Equal(2.0 / 3, totals.F, 6);
            Assert.Equal(new Uri("https://example.org/a"), SegmentCorpus.UrlOf(pages[0]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
