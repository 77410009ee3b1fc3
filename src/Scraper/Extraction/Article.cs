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
    /// <summary>Where <see cref="Published"/> was read: <c>page</c> (the page shows it) or <c>url</c> (a page that shows
    /// no date, such as a continuation page, dated by its URL); null when there is no date.</summary>
    public string? PublishedFrom { get; init; }
    public string? Source { get; init; }
    public string? Byline { get; init; }
    public string? Language { get; init; }
    public IReadOnlyList<string> Paragraphs { get; init; } = [];
    public string Text => string.Join("\n\n", Paragraphs);
    public IReadOnlyList<Figure> Figures { get; init; } = [];
    public int Pages { get; init; } = 1;
    /// <summary>Where each field came from (<c>selector</c>, <c>anatomy</c>, <c>generic</c>, <c>meta</c>, <c>url</c>).</summary>
    public FieldProvenance Provenance { get; init; } = FieldProvenance.None;

    /// <summary>
    /// The fields of a known site's page that its selectors missed although the page has them (found by the text
    /// anatomy, the generic extractor or the meta tags): a sign its templates changed. Not part of the JSON.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<string> SelectorMisses { get; init; } = [];

    /// <summary>
    /// Neither text nor figures: what a page cut off before its body, or a page that is no article, yields. The archive
    /// keeps no revision of it (a bad fetch must not look like an article whose text was deleted).
    /// </summary>
    [JsonIgnore]
    public bool IsEmpty => Paragraphs.Count == 0 && Figures.Count == 0;

    /// <summary>
    /// The article of a page read from <paramref name="readFrom"/> (an alias: the other scheme, a mirror host), as at
    /// its page's own <paramref name="pageUrl"/>: its URL, and figures on the alias's origin put on the page's (the
    /// hosts of a group serve the same paths). The same article under any of its URLs is then the same revision.
    /// </summary>
    public Article AsAt(Uri pageUrl, Uri readFrom)
    {
        var from = readFrom.GetLeftPart(UriPartial.Authority) + "/";
        var to = pageUrl.GetLeftPart(UriPartial.Authority) + "/";
        if (from == to) return this with { Url = pageUrl.AbsoluteUri };
        return this with
        {
            Url = pageUrl.AbsoluteUri,
            Figures = Figures.Select(f => f.Src.StartsWith(from, StringComparison.OrdinalIgnoreCase) ? f with { Src = to + f.Src[from.Length..] } : f).ToList(),
        };
    }
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

/// <summary>
/// Where each field of an article came from: <c>selector</c> (the site's CSS selectors), <c>anatomy</c> (the page's
/// visible text forms, <see cref="Anatomy.HeaderZoneReader"/>), <c>generic</c> (the generic extractor), <c>meta</c>
/// (meta tags, JSON-LD, the document title) or <c>url</c> (the date in the URL); null for an absent field.
/// </summary>
public sealed record FieldProvenance
{
    public const string Selector = "selector", Anatomy = "anatomy", Generic = "generic", Meta = "meta", Url = "url";

    public static FieldProvenance None { get; } = new();

    public string? Title { get; init; }
    public string? Subtitle { get; init; }
    public string? Section { get; init; }
    public string? Published { get; init; }
    public string? Source { get; init; }
    public string? Byline { get; init; }
    public string? Body { get; init; }

    /// <summary>The fields by their JSON names, in order.</summary>
    public IEnumerable<(string Field, string? From)> Fields()
    {
        yield return ("title", Title);
        yield return ("subtitle", Subtitle);
        yield return ("section", Section);
        yield return ("published", Published);
        yield return ("source", Source);
        yield return ("byline", Byline);
        yield return ("body", Body);
    }
}
