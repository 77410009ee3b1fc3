using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Scraper.Diffing;
using Scraper.Extraction;

namespace Scraper.Bench;

/// <summary>
/// The diff of two 5,000-word revisions of an article made of the samples' real paragraphs (the target is under
/// 50 ms). "Corrections" is a typical newer revision: a retitle, ten paragraphs edited, two inserted, two removed, one
/// moved and a figure replaced. "EveryParagraphEdited" is the worst case for pairing: no paragraph is unchanged, so all
/// of them fall in one run to pair. "RenderHtml" adds the side-by-side page to the corrections diff.
/// </summary>
[MemoryDiagnoser]
public class DiffBenchmarks
{
    private Article _older = null!;
    private Article _corrected = null!;
    private Article _everyParagraphEdited = null!;
    private DiffResult _correctionsDiff = null!;
    private readonly RevisionInfo _olderInfo = new(1, new DateTimeOffset(2024, 3, 1, 8, 0, 0, TimeSpan.Zero), new string('a', 64));
    private readonly RevisionInfo _newerInfo = new(2, new DateTimeOffset(2024, 3, 2, 8, 0, 0, TimeSpan.Zero), new string('b', 64));

    [GlobalSetup]
    public void Setup()
    {
        // Article snapshots only: the list pages' "*.links.verified.json" are not articles.
        var samples = Directory.EnumerateFiles(BenchPaths.Samples, "*.verified.json", SearchOption.AllDirectories).Order()
            .Where(path => !path.EndsWith(".links.verified.json", StringComparison.Ordinal))
            .Select(path => JsonSerializer.Deserialize<Article>(File.ReadAllText(path), ArticleFormatter.Json)!)
            .ToList();
        var pool = samples.SelectMany(a => a.Paragraphs).Where(p => p.Contains(' ')).Distinct().ToList();
        var paragraphs = new List<string>();
        for (var round = 0; paragraphs.Sum(WordCount) < 5000; round++)
            foreach (var paragraph in pool)
            {
                // The second pass over the samples reads differently, so that every paragraph is unique.
                paragraphs.Add(round == 0 ? paragraph : $"In round {round + 1}, {paragraph}");
                if (paragraphs.Sum(WordCount) >= 5000) break;
            }
        var figures = samples.SelectMany(a => a.Figures).Take(12)
            .Select((f, i) => f with { Position = i * paragraphs.Count / 12 }).ToList();
        _older = samples[0] with { Paragraphs = paragraphs, Figures = figures };

        // Each paragraph remembers where it came from, so the figures can follow the paragraphs they precede.
        var edited = paragraphs.Select((text, origin) => (Origin: origin, Text: text)).ToList();
        for (var k = 0; k < 10; k++)
        {
            var at = 7 + k * (edited.Count / 10);
            edited[at] = edited[at] with { Text = edited[at].Text.Replace(" the ", " this ", StringComparison.Ordinal) + " (updated)" };
        }
        var n = edited.Count;
        edited.RemoveAt(n * 3 / 4);
        edited.RemoveAt(n / 4);
        edited.Insert(n / 10, (-1, "The district added 12 new foreign-funded projects in the first quarter, worth 3.2 billion yuan in total."));
        edited.Insert(n / 2, (-1, "A second phase of the industrial park is planned for 2026."));
        var moved = edited[n / 3];
        edited.RemoveAt(n / 3);
        edited.Insert(n * 5 / 6, (-1, moved.Text));
        var newFigures = figures.Select(f => f with { Position = Math.Max(0, edited.FindIndex(p => p.Origin >= f.Position)) }).ToList();
        newFigures[3] = newFigures[3] with { Src = newFigures[3].Src + "?v=2" };
        _corrected = _older with { Title = _older.Title + " (corrected)", Paragraphs = edited.Select(p => p.Text).ToList(), Figures = newFigures };
        _everyParagraphEdited = _older with { Paragraphs = paragraphs.Select(p => p.Replace(" and ", " & ", StringComparison.Ordinal) + " More.").ToList() };
        _correctionsDiff = ArticleDiff.Compare(_older, _corrected);

        Console.WriteLine($"// {paragraphs.Count} paragraphs, {paragraphs.Sum(WordCount)} words; corrections: {_correctionsDiff.Summary()}; "
            + $"every paragraph edited: {ArticleDiff.Compare(_older, _everyParagraphEdited).Summary()}");
    }

    [Benchmark]
    public DiffResult Corrections() => ArticleDiff.Compare(_older, _corrected);

    [Benchmark]
    public DiffResult EveryParagraphEdited() => ArticleDiff.Compare(_older, _everyParagraphEdited);

    [Benchmark]
    public string RenderHtml() => HtmlDiffRenderer.Render(_correctionsDiff, _olderInfo, _newerInfo);

    private static int WordCount(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}
