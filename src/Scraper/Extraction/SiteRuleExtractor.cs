using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Scraper.Sites;

namespace Scraper.Extraction;

/// <summary>The precise first step of the cascade: a site's selectors applied to its page.</summary>
public sealed class SiteRuleExtractor(BodyReader bodyReader)
{
    private static readonly char[] CrumbSeparators = ['>', '›', '»', '＞', '→'];

    /// <summary>The article's metadata as the site's selectors give it; each part null where no selector matched.</summary>
    public RuleMetadata ReadMetadata(IDocument document, SiteRule rule)
    {
        var selectors = rule.Article;
        var title = FirstText(document, selectors.Title);
        var subtitle = FirstText(document, selectors.Subtitle);
        if (subtitle == title) subtitle = null;
        var info = new StringBuilder();
        var seen = new HashSet<IElement>();
        foreach (var selector in selectors.Info)
            foreach (var element in document.QuerySelectorAll(selector))
                if (seen.Add(element) && !seen.Contains(element.ParentElement!))
                    info.Append(element.TextContent).Append(' ');
        return new RuleMetadata(title, subtitle, Section(document, selectors.Breadcrumb), InfoLine.Parse(info.ToString()));
    }

    /// <summary>The body as the rules select it, or null when no body selector matches anything with text.</summary>
    public BodyContent? ReadBody(IDocument document, Uri url, SiteRule rule)
    {
        var dropText = rule.Article.DropText.Select(p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))).ToList();
        foreach (var selector in rule.Article.Body)
        {
            if (document.QuerySelector(selector) is not { } found) continue;
            // Work on a copy: the generic extractor may still need the page as it was.
            var body = (IElement)found.Clone(true);
            foreach (var remove in rule.Article.Remove)
                foreach (var element in body.QuerySelectorAll(remove).ToList())
                    element.Remove();
            var content = bodyReader.Read(body, url, dropText);
            if (content.Paragraphs.Count > 0) return content;
        }
        return null;
    }

    /// <summary>The other pages of this article named by its pager, in page order.</summary>
    public IReadOnlyList<Uri> SiblingPages(IDocument document, Uri url, SiteRule rule)
    {
        var stem = ArticleStem(url, rule);
        var pages = new SortedDictionary<int, Uri>();
        foreach (var selector in rule.Article.Pager)
        {
            foreach (var link in document.QuerySelectorAll(selector))
            {
                if (link.GetAttribute("href") is not { Length: > 0 } href) continue;
                if (!Uri.TryCreate(url, ImageUrl.Encode(href.Trim()), out var target) || target.Scheme is not ("http" or "https")) continue;
                target = new UriBuilder(target) { Fragment = "" }.Uri;
                if (!string.Equals(target.Host, url.Host, StringComparison.OrdinalIgnoreCase)) continue;
                if (ArticleStem(target, rule) != stem || target.AbsolutePath == url.AbsolutePath) continue;
                pages.TryAdd(rule.ContinuationPage(target) ?? 1, target);
            }
        }
        return pages.Values.ToList();
    }

    /// <summary>The path shared by every page of one article: <c>/2019-03/28/content_37452825</c>.</summary>
    public static string ArticleStem(Uri url, SiteRule rule)
    {
        var path = url.AbsolutePath;
        var dot = path.LastIndexOf('.');
        var withoutExtension = dot > path.LastIndexOf('/') ? path[..dot] : path;
        if (rule.ContinuationPage(url) is { } page)
        {
            var suffix = "_" + page.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (withoutExtension.EndsWith(suffix, StringComparison.Ordinal)) return withoutExtension[..^suffix.Length];
        }
        return withoutExtension;
    }

    private static string? FirstText(IDocument document, IReadOnlyList<string> selectors)
    {
        foreach (var selector in selectors)
            if (document.QuerySelector(selector) is { } element && TextNormalizer.NullIfEmpty(element.TextContent) is { } text)
                return text;
        return null;
    }

    private static string? Section(IDocument document, IReadOnlyList<string> selectors)
    {
        foreach (var selector in selectors)
        {
            if (document.QuerySelector(selector) is not { } crumbs) continue;
            var parts = crumbs.TextContent.Split(CrumbSeparators)
                .Select(TextNormalizer.Collapse).Where(p => p.Length > 0).ToList();
            // The first crumb is the home page; the last one is the section or topic.
            if (parts.Count > 1) return parts[^1];
        }
        return null;
    }
}

/// <summary>The article's parts outside its body, as the site rules found them.</summary>
public sealed record RuleMetadata(string? Title, string? Subtitle, string? Section, InfoLine Info);
