using System.Text.Json;

namespace Scraper.Extraction.Generic;

/// <summary>One page of a reference corpus: the page as fetched and what a reference extractor made of it.</summary>
public sealed record ReferencePage(string Name, string SourcePath, string ExpectedHtmlPath, string? Title, string? Byline);

/// <summary>How one page's extraction compares with its reference.</summary>
/// <param name="BylineAgrees">Null where the reference has no byline: such pages are not counted.</param>
public sealed record PageScore(string Name, TokenOverlap Text, bool TitleAgrees, bool? BylineAgrees, Article Article);

/// <summary>
/// A corpus laid out like Mozilla Readability's test pages: one folder per page holding <c>source.html</c>,
/// <c>expected.html</c> and <c>expected-metadata.json</c> (<c>title</c>, <c>byline</c>…). The pages are extracted
/// as if from a host without site rules, so the generic extractor does the work.
/// </summary>
public static class ReferenceCorpus
{
    /// <summary>The address Readability's own tests give these pages; no site rule matches it.</summary>
    public static readonly Uri PageUrl = new("http://fakehost/test/page.html");

    public static IReadOnlyList<ReferencePage> Load(string folder)
    {
        var pages = new List<ReferencePage>();
        foreach (var dir in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var source = Path.Combine(dir, "source.html");
            var expected = Path.Combine(dir, "expected.html");
            if (!File.Exists(source) || !File.Exists(expected)) continue;
            string? title = null, byline = null;
            var metadata = Path.Combine(dir, "expected-metadata.json");
            if (File.Exists(metadata))
            {
                using var json = JsonDocument.Parse(File.ReadAllBytes(metadata));
                title = StringOrNull(json.RootElement, "title");
                byline = StringOrNull(json.RootElement, "byline");
            }
            pages.Add(new ReferencePage(Path.GetFileName(dir), source, expected, title, byline));
        }
        return pages;
    }

    /// <summary>Extracts the page's bytes and compares the article with the reference.</summary>
    public static PageScore Score(ReferencePage page, Article article, HtmlDocumentLoader loader)
    {
        var expected = loader.Parse(File.ReadAllText(page.ExpectedHtmlPath));
        var text = ExtractionScore.Compare(ExtractionScore.TextOf(article), ExtractionScore.TextOf(expected.Body ?? (AngleSharp.Dom.INode)expected));
        bool? byline = page.Byline is { Length: > 0 } ? ExtractionScore.BylinesAgree(article.Byline, page.Byline) : null;
        return new PageScore(page.Name, text, ExtractionScore.TitlesAgree(article.Title, page.Title), byline, article);
    }

    private static string? StringOrNull(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
