using System.Text;
using AngleSharp.Dom;
using Scraper.Diffing;

namespace Scraper.Extraction.Generic;

/// <summary>Token-level agreement of an extracted text with a reference text, as bags of words.</summary>
/// <param name="Precision">Shared words / extracted words: how much of what was extracted belongs to the article.</param>
/// <param name="Recall">Shared words / reference words: how much of the article was extracted.</param>
public sealed record TokenOverlap(double Precision, double Recall, double F1, int ExtractedWords, int ReferenceWords);

/// <summary>
/// How an extraction compares with a reference extraction (the Readability test pages' <c>expected.html</c> and
/// <c>expected-metadata.json</c>): token-level F1 of the texts, and whether titles and bylines agree.
/// </summary>
public static class ExtractionScore
{
    /// <summary>Inline elements: their text runs on with the text around them; every other element separates words.</summary>
    private static readonly HashSet<string> Inline = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark",
        "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
    };

    /// <summary>
    /// Words are lower-cased runs of Unicode letters and digits (each CJK character a word of its own, as the diff
    /// counts them), compared as multisets: a word the extraction repeats more often than the reference does counts
    /// against precision. No words on either side is a perfect match; no words on one side only scores 0.
    /// </summary>
    public static TokenOverlap Compare(string extracted, string reference)
    {
        var ours = Count(extracted, out var ourTotal);
        var theirs = Count(reference, out var theirTotal);
        var shared = 0;
        foreach (var (word, n) in ours)
            if (theirs.TryGetValue(word, out var m)) shared += Math.Min(n, m);
        // Nothing extracted wrongly when nothing was extracted, nothing missed when there was nothing to find.
        var precision = ourTotal == 0 ? 1 : (double)shared / ourTotal;
        var recall = theirTotal == 0 ? 1 : (double)shared / theirTotal;
        var f1 = shared == 0 ? (ourTotal == 0 && theirTotal == 0 ? 1 : 0) : 2 * precision * recall / (precision + recall);
        return new TokenOverlap(precision, recall, f1, ourTotal, theirTotal);
    }

    /// <summary>What a reader gets of an article: its paragraphs, then its captions and credits.</summary>
    public static string TextOf(Article article)
    {
        var sb = new StringBuilder(article.Text);
        foreach (var figure in article.Figures)
            sb.Append('\n').Append(figure.Caption).Append('\n').Append(figure.Credit);
        return sb.ToString();
    }

    /// <summary>The text of an HTML fragment with a space at every block boundary, so "a&lt;/p&gt;&lt;p&gt;b" is two words.</summary>
    public static string TextOf(INode root)
    {
        var sb = new StringBuilder();
        var stack = new Stack<(INode Node, bool Closing)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (node, closing) = stack.Pop();
            if (node is IText text) { sb.Append(text.Data); continue; }
            if (node is not IElement and not IDocument and not IDocumentFragment) continue;
            var block = node is IElement e && !Inline.Contains(e.LocalName);
            if (closing) { if (block) sb.Append(' '); continue; }
            if (node is IElement { LocalName: "script" or "style" or "template" }) continue;
            if (block) sb.Append(' ');
            stack.Push((node, true));
            for (var i = node.ChildNodes.Length - 1; i >= 0; i--) stack.Push((node.ChildNodes[i], false));
        }
        return sb.ToString();
    }

    /// <summary>
    /// Titles agree when, lower-cased with whitespace collapsed, they are equal or one contains the other: a page
    /// title often carries the site's name (<c>Headline - Site</c>) that a headline does not. Both absent agree.
    /// </summary>
    public static bool TitlesAgree(string? extracted, string? expected) => Agree(Normalize(extracted), Normalize(expected));

    /// <summary>
    /// Bylines agree like titles, after a leading "By" is dropped from both: references keep it, the extractor
    /// gives names only. Only meaningful where the reference has a byline; callers count those pages alone.
    /// </summary>
    public static bool BylinesAgree(string? extracted, string? expected) =>
        Agree(WithoutBy(Normalize(extracted)), WithoutBy(Normalize(expected)));

    private static bool Agree(string ours, string theirs)
    {
        if (ours.Length == 0 || theirs.Length == 0) return ours.Length == theirs.Length;
        return ours == theirs || ours.Contains(theirs, StringComparison.Ordinal) || theirs.Contains(ours, StringComparison.Ordinal);
    }

    private static string Normalize(string? text) => text is null ? "" : TextNormalizer.Collapse(text).ToLowerInvariant();

    private static string WithoutBy(string text) => text.StartsWith("by ", StringComparison.Ordinal) ? text[3..] : text;

    private static Dictionary<string, int> Count(string text, out int total)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        total = 0;
        foreach (var word in WordDiff.Words(text))
        {
            counts[word] = counts.GetValueOrDefault(word) + 1;
            total++;
        }
        return counts;
    }
}
