using System.Text.Json;
using System.Text.RegularExpressions;

namespace Scraper.Extraction.Generic;

/// <summary>One page of a segment-annotated corpus: the page as fetched, its address, and the hand-picked text
/// segments that belong to its main text (<paramref name="With"/>) and that do not (<paramref name="Without"/>).</summary>
public sealed record SegmentPage(string Url, string File, string HtmlPath, IReadOnlyList<string> With, IReadOnlyList<string> Without);

/// <summary>How one page's text fares against its segments: which <c>with</c> segments it holds (found) or lacks
/// (missed), and which <c>without</c> segments it holds (leaked).</summary>
public sealed record SegmentResult(SegmentPage Page, IReadOnlyList<string> Found, IReadOnlyList<string> Missed, IReadOnlyList<string> Leaked)
{
    public int TruePositives => Found.Count;
    public int FalseNegatives => Missed.Count;
    public int FalsePositives => Leaked.Count;
    public int TrueNegatives => Page.Without.Count - Leaked.Count;
}

/// <summary>Counts over a corpus and the scores derived from them, as trafilatura's evaluation computes them.</summary>
public sealed record SegmentTotals(int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives)
{
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);
    public double Accuracy => Ratio(TruePositives + TrueNegatives, TruePositives + FalsePositives + FalseNegatives + TrueNegatives);
    public double F => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public static SegmentTotals Of(IEnumerable<SegmentResult> results)
    {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var r in results)
        {
            tp += r.TruePositives;
            fp += r.FalsePositives;
            fn += r.FalseNegatives;
            tn += r.TrueNegatives;
        }
        return new SegmentTotals(tp, fp, fn, tn);
    }

    private static double Ratio(int a, int b) => b == 0 ? 0 : (double)a / b;
}

/// <summary>
/// A corpus laid out like trafilatura's evaluation set (<c>../shared/corpora/trafilatura-eval</c>): <c>evaldata.json</c>
/// maps each page's URL to <c>{"file", "with", "without"}</c>, the page being <c>cache/&lt;file&gt;</c> or else
/// <c>eval/&lt;file&gt;</c>. Scored as trafilatura scores it: whitespace runs in the text and in each segment become one
/// space (ends trimmed), a <c>with</c> segment found in the text (a plain substring) is a true positive, otherwise a
/// false negative; a <c>without</c> segment found is a false positive, otherwise a true negative. A page the
/// extractor fails on is scored with an empty text.
/// </summary>
public static partial class SegmentCorpus
{
    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>The pages in the order of <c>evaldata.json</c>; pages whose file is in neither folder are left out.</summary>
    public static IReadOnlyList<SegmentPage> Load(string folder)
    {
        using var json = JsonDocument.Parse(System.IO.File.ReadAllBytes(Path.Combine(folder, "evaldata.json")));
        var pages = new List<SegmentPage>();
        foreach (var entry in json.RootElement.EnumerateObject())
        {
            var file = entry.Value.GetProperty("file").GetString()!;
            var path = new[] { "cache", "eval" }.Select(sub => Path.Combine(folder, sub, file)).FirstOrDefault(System.IO.File.Exists);
            if (path is null) continue;
            pages.Add(new SegmentPage(entry.Name, file, path, Strings(entry.Value, "with"), Strings(entry.Value, "without")));
        }
        return pages;
    }

    /// <summary>Whitespace runs as one space, ends trimmed (trafilatura's <c>norm</c>).</summary>
    public static string Normalize(string text) => Whitespace().Replace(text, " ").Trim();

    /// <summary>Scores one page's extracted main text (null: the extractor failed).</summary>
    public static SegmentResult Score(SegmentPage page, string? text)
    {
        var normalized = Normalize(text ?? "");
        var found = new List<string>();
        var missed = new List<string>();
        var leaked = new List<string>();
        foreach (var segment in page.With)
            (Contains(normalized, segment) ? found : missed).Add(segment);
        foreach (var segment in page.Without)
            if (Contains(normalized, segment)) leaked.Add(segment);
        return new SegmentResult(page, found, missed, leaked);
    }

    /// <summary>The address to extract a page as: its own, or a neutral one where it is not a valid absolute URL.</summary>
    public static Uri UrlOf(SegmentPage page) =>
        Uri.TryCreate(page.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url : ReferenceCorpus.PageUrl;

    // Ordinal: the corpus's matching is Python's substring test, code point by code point.
    private static bool Contains(string text, string segment) => text.Contains(Normalize(segment), StringComparison.Ordinal);

    private static List<string> Strings(JsonElement item, string name) =>
        item.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(s => s.GetString() ?? "").Where(s => s.Length > 0).ToList()
            : [];
}
