using System.Text.Json.Serialization;

namespace Scraper.Extraction;

/// <summary>An article as the extraction stage hands it to the archive and export stages.</summary>
/// <remarks>Field names and order are the public JSON contract of <c>scraper extract --format json</c>.</remarks>
public sealed record Article
{
    public required string? Url { get; init; }
    /// <summary>The site family (<c>en.wuxi.gov.cn</c> or <c>wnd.gov.cn</c>), null for other hosts.</summary>
    public required string? Site { get; init; }
    /// <summary><c>site:&lt;site&gt;</c> when the site rules found the body, else <c>generic</c> (or <c>baseline</c>).</summary>
    public required string Extractor { get; init; }
    public string? Title { get; init; }
    public string? Subtitle { get; init; }
    public string? Section { get; init; }
    /// <summary>ISO 8601 date, e.g. <c>2023-11-23</c>.</summary>
    public string? Published { get; init; }
    public string? Source { get; init; }
    public string? Byline { get; init; }
    public string? Language { get; init; }
    public IReadOnlyList<string> Paragraphs { get; init; } = [];
    public string Text => string.Join("\n\n", Paragraphs);
    public IReadOnlyList<Figure> Figures { get; init; } = [];
    public int Pages { get; init; } = 1;

    /// <summary>
    /// Neither text nor figures: what a page cut off before its body, or a page that is no article, yields. The archive
    /// keeps no revision of it (a bad fetch must not look like an article whose text was deleted).
    /// </summary>
    [JsonIgnore]
    public bool IsEmpty => Paragraphs.Count == 0 && Figures.Count == 0;
}

/// <summary>An image (or a video) of the article body with its caption.</summary>
/// <param name="Position">Index in <see cref="Article.Paragraphs"/> of the paragraph the figure precedes
/// (equal to the paragraph count for a figure after the last paragraph).</param>
public sealed record Figure(string Src, string? Alt, string? Caption, string? Credit, int Position)
{
    /// <summary>
    /// Null for an image; <c>video</c> for a video (a video page's film): <see cref="Src"/> is the video's address. In JSON a
    /// <c>"media": "video"</c> field, left out for images.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Media { get; init; }
}
