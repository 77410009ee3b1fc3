using AngleSharp.Dom;

namespace Scraper.Extraction.Generic;

/// <summary>What the generic extractor found: the main content (a detached clone) and the page's metadata.</summary>
public sealed record GenericContent(IElement? Body, PageMetadata Metadata);

public sealed record PageMetadata(string? Title, string? Byline, string? Published, string? Language, string? SiteName);

/// <summary>
/// First version of the fallback for pages the site rules do not cover: the element holding the most paragraph
/// text is the body; metadata from OpenGraph, meta tags and the DOM.
/// </summary>
public sealed class GenericExtractor
{
    public GenericContent Find(IDocument document)
    {
        var body = BestContainer(document);
        return new GenericContent(body?.Clone(true) as IElement, ReadMetadata(document));
    }

    private static IElement? BestContainer(IDocument document)
    {
        var scores = new Dictionary<IElement, int>();
        foreach (var p in document.QuerySelectorAll("p, li, h2, h3, pre, td"))
        {
            if (p.ParentElement is not { } parent) continue;
            if (p.Closest("nav, header, footer, aside, form") is not null) continue;
            var length = TextNormalizer.Collapse(p.TextContent).Length;
            if (length < 25) continue;
            var container = p.LocalName == "li" ? parent.ParentElement ?? parent : parent;
            scores[container] = scores.GetValueOrDefault(container) + length;
        }
        return scores.Count == 0 ? null : scores.MaxBy(kv => kv.Value).Key;
    }

    private static PageMetadata ReadMetadata(IDocument document)
    {
        string? Meta(string selector) => TextNormalizer.NullIfEmpty(document.QuerySelector(selector)?.GetAttribute("content"));
        var title = Meta("meta[property='og:title']")
                    ?? TextNormalizer.NullIfEmpty(document.QuerySelector("h1")?.TextContent)
                    ?? TextNormalizer.NullIfEmpty(document.Title);
        var published = DateText.ParseMachine(Meta("meta[property='article:published_time']") ?? Meta("meta[name='date']")
                                              ?? document.QuerySelector("time[datetime]")?.GetAttribute("datetime"));
        return new PageMetadata(
            title,
            BylineText.Clean(Meta("meta[name='author']")),
            DateText.ToIso(published),
            TextNormalizer.NullIfEmpty(document.DocumentElement.GetAttribute("lang")),
            Meta("meta[property='og:site_name']"));
    }
}
