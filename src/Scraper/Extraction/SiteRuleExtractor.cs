using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Css.Dom;
using AngleSharp.Css.Parser;
using AngleSharp.Dom;
using Scraper.Sites;

namespace Scraper.Extraction;

/// <summary>The precise first step of the cascade: a site's selectors applied to its page.</summary>
public sealed class SiteRuleExtractor(BodyReader bodyReader)
{
    private static readonly char[] CrumbSeparators = ['>', '›', '»', '＞', '→'];

    // Selectors and patterns parsed once per rule, not once per page: parsing them was a third of the work.
    private readonly ConditionalWeakTable<SiteRule, CompiledRule> _compiled = new();

    /// <summary>The article's metadata as the site's selectors give it; each part null where no selector matched.</summary>
    public RuleMetadata ReadMetadata(IDocument document, SiteRule rule)
    {
        var selectors = Compiled(rule);
        var title = FirstText(document, selectors.Title);
        var subtitle = FirstText(document, selectors.Subtitle);
        if (subtitle == title) subtitle = null;
        var info = new StringBuilder();
        var seen = new HashSet<IElement>();
        foreach (var selector in selectors.Info)
            foreach (var element in document.ChildNodes.QuerySelectorAll(selector))
                if (seen.Add(element) && !seen.Contains(element.ParentElement!))
                    info.Append(element.TextContent).Append(' ');
        return new RuleMetadata(title, subtitle, Section(document, selectors.Breadcrumb), InfoLine.Parse(info.ToString()));
    }

    /// <summary>The body as the rules select it, or null when no body selector matches anything with text.</summary>
    public BodyContent? ReadBody(IDocument document, Uri url, SiteRule rule)
    {
        var selectors = Compiled(rule);
        foreach (var selector in selectors.Body)
        {
            if (document.ChildNodes.QuerySelector(selector) is not { } body) continue;
            // Removed elements are skipped, not cut out: the generic extractor may still need the page as it was.
            var skipped = new HashSet<IElement>();
            foreach (var remove in selectors.Remove)
                foreach (var element in body.ChildNodes.QuerySelectorAll(remove))
                    skipped.Add(element);
            var content = bodyReader.Read(body, url, selectors.DropText, skipped);
            if (content.Paragraphs.Count > 0) return content;
        }
        return null;
    }

    /// <summary>The other pages of this article named by its pager, in page order.</summary>
    public IReadOnlyList<Uri> SiblingPages(IDocument document, Uri url, SiteRule rule)
    {
        var stem = ArticleStem(url, rule);
        var pages = new SortedDictionary<int, Uri>();
        foreach (var selector in Compiled(rule).Pager)
        {
            foreach (var link in document.ChildNodes.QuerySelectorAll(selector))
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

    /// <summary>
    /// Whether the page is one of the site's section lists: its path is a list page's, and the rules' list selectors
    /// find links to articles on it. Such a page has no article of its own, whatever the generic extractor makes of it.
    /// Only asked when the body selectors found nothing, so the selectors are parsed here rather than kept.
    /// </summary>
    public static bool IsSectionList(IDocument document, Uri url, SiteRule rule)
    {
        if (rule.ListUrlRegex?.IsMatch(url.AbsolutePath) != true) return false;
        foreach (var selector in rule.List.Links)
        {
            IEnumerable<IElement> links;
            try { links = document.QuerySelectorAll(selector); }
            catch (AngleSharp.Dom.DomException) { continue; }
            foreach (var link in links)
                if (link.GetAttribute("href") is { Length: > 0 } href
                    && Uri.TryCreate(url, ImageUrl.Encode(href.Trim()), out var target) && rule.IsArticle(target))
                    return true;
        }
        return false;
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

    private CompiledRule Compiled(SiteRule rule) => _compiled.GetValue(rule, r => new CompiledRule(r.Article));

    private static string? FirstText(IDocument document, IReadOnlyList<ISelector> selectors)
    {
        foreach (var selector in selectors)
            if (document.ChildNodes.QuerySelector(selector) is { } element && TextNormalizer.NullIfEmpty(element.TextContent) is { } text)
                return text;
        return null;
    }

    private static string? Section(IDocument document, IReadOnlyList<ISelector> selectors)
    {
        foreach (var selector in selectors)
        {
            if (document.ChildNodes.QuerySelector(selector) is not { } crumbs) continue;
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

/// <summary>A rule's article selectors and text patterns, parsed.</summary>
internal sealed class CompiledRule
{
    public CompiledRule(ArticleSelectors selectors)
    {
        var parser = new CssSelectorParser();
        List<ISelector> Parse(IReadOnlyList<string> list) => list.Select(s => parser.ParseSelector(s)
            ?? throw new InvalidDataException($"invalid CSS selector '{s}'")).ToList();
        Title = Parse(selectors.Title);
        Subtitle = Parse(selectors.Subtitle);
        Breadcrumb = Parse(selectors.Breadcrumb);
        Info = Parse(selectors.Info);
        Body = Parse(selectors.Body);
        Pager = Parse(selectors.Pager);
        Remove = Parse(selectors.Remove);
        DropText = selectors.DropText.Select(p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))).ToList();
    }

    public IReadOnlyList<ISelector> Title { get; }
    public IReadOnlyList<ISelector> Subtitle { get; }
    public IReadOnlyList<ISelector> Breadcrumb { get; }
    public IReadOnlyList<ISelector> Info { get; }
    public IReadOnlyList<ISelector> Body { get; }
    public IReadOnlyList<ISelector> Pager { get; }
    public IReadOnlyList<ISelector> Remove { get; }
    public IReadOnlyList<Regex> DropText { get; }
}
