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

    /// <summary>
    /// The page as the site's selectors give it: the article's metadata (each part null where no selector matched),
    /// its body (null when no body selector matches anything with text) and the other pages of the article named
    /// by its pager, in page order.
    /// </summary>
    public RuleReading Read(IDocument document, Uri url, SiteRule rule)
    {
        var selectors = Compiled(rule);
        var matches = selectors.Page.Match(document);
        return new RuleReading(ReadMetadata(matches, selectors), ReadBody(matches, selectors, url), SiblingPages(matches, selectors, url, rule));
    }

    private static RuleMetadata ReadMetadata(IReadOnlyList<IElement>[] matches, CompiledRule selectors)
    {
        var title = FirstText(matches, selectors.Title);
        var subtitle = FirstText(matches, selectors.Subtitle);
        if (subtitle == title) subtitle = null;
        var info = new StringBuilder();
        var seen = new HashSet<IElement>();
        foreach (var selector in selectors.Info)
            foreach (var element in matches[selector])
                if (seen.Add(element) && !seen.Contains(element.ParentElement!))
                    info.Append(element.TextContent).Append(' ');
        return new RuleMetadata(title, subtitle, Section(matches, selectors.Breadcrumb), InfoLine.Parse(info.ToString()));
    }

    private BodyContent? ReadBody(IReadOnlyList<IElement>[] matches, CompiledRule selectors, Uri url)
    {
        foreach (var selector in selectors.Body)
        {
            if (matches[selector] is not [var body, ..]) continue;
            // Removed elements are skipped, not cut out: the generic extractor may still need the page as it was.
            var skipped = new HashSet<IElement>(selectors.Remove.Match(body).SelectMany(found => found));
            var content = bodyReader.Read(body, url, selectors.DropText, skipped);
            // A video page may be its film alone: the body is there, as a video figure.
            if (content.Paragraphs.Count > 0 || content.Figures.Any(f => f.Media == "video")) return content;
        }
        return null;
    }

    private static List<Uri> SiblingPages(IReadOnlyList<IElement>[] matches, CompiledRule selectors, Uri url, SiteRule rule)
    {
        var stem = ArticleStem(url, rule);
        var pages = new SortedDictionary<int, Uri>();
        foreach (var selector in selectors.Pager)
        {
            foreach (var link in matches[selector])
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

    private static string? FirstText(IReadOnlyList<IElement>[] matches, IReadOnlyList<int> selectors)
    {
        foreach (var selector in selectors)
            if (matches[selector] is [var element, ..] && TextNormalizer.NullIfEmpty(element.TextContent) is { } text)
                return text;
        return null;
    }

    private static string? Section(IReadOnlyList<IElement>[] matches, IReadOnlyList<int> selectors)
    {
        foreach (var selector in selectors)
        {
            if (matches[selector] is not [var crumbs, ..]) continue;
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

/// <summary>What the site's selectors found on a page.</summary>
public sealed record RuleReading(RuleMetadata Metadata, BodyContent? Body, IReadOnlyList<Uri> SiblingPages);

/// <summary>
/// A rule's article selectors and text patterns, parsed. Those asked of the whole page are matched together in
/// one walk (<see cref="Page"/>); each group is its selectors' positions in it, in the rule's order.
/// </summary>
internal sealed class CompiledRule
{
    public CompiledRule(ArticleSelectors selectors)
    {
        var parser = new CssSelectorParser();
        (string, ISelector, SelectorQuery) Parse(string s, SelectorQuery query) =>
            (s, parser.ParseSelector(s) ?? throw new InvalidDataException($"invalid CSS selector '{s}'"), query);
        var page = new List<(string, ISelector, SelectorQuery)>();
        int[] Add(IReadOnlyList<string> list, SelectorQuery query)
        {
            var positions = Enumerable.Range(page.Count, list.Count).ToArray();
            page.AddRange(list.Select(s => Parse(s, query)));
            return positions;
        }
        Title = Add(selectors.Title, SelectorQuery.First);
        Subtitle = Add(selectors.Subtitle, SelectorQuery.First);
        Breadcrumb = Add(selectors.Breadcrumb, SelectorQuery.First);
        Info = Add(selectors.Info, SelectorQuery.All);
        Body = Add(selectors.Body, SelectorQuery.First);
        Pager = Add(selectors.Pager, SelectorQuery.All);
        Page = new SelectorSet(page);
        Remove = new SelectorSet(selectors.Remove.Select(s => Parse(s, SelectorQuery.All)).ToList());
        DropText = selectors.DropText.Select(p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))).ToList();
    }

    public SelectorSet Page { get; }
    public IReadOnlyList<int> Title { get; }
    public IReadOnlyList<int> Subtitle { get; }
    public IReadOnlyList<int> Breadcrumb { get; }
    public IReadOnlyList<int> Info { get; }
    public IReadOnlyList<int> Body { get; }
    public IReadOnlyList<int> Pager { get; }
    /// <summary>Elements of the body left out of it, matched inside the body.</summary>
    public SelectorSet Remove { get; }
    public IReadOnlyList<Regex> DropText { get; }
}
