using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Css.Dom;
using AngleSharp.Css.Parser;
using AngleSharp.Dom;
using Scraper.Extraction.Anatomy;
using Scraper.Sites;

namespace Scraper.Extraction;

/// <summary>The precise first step of the cascade: a site's selectors applied to its page.</summary>
public sealed class SiteRuleExtractor(BodyReader bodyReader)
{
    // Selectors and patterns parsed once per rule, not once per page: parsing them was a third of the work.
    private readonly ConditionalWeakTable<SiteRule, CompiledRule> _compiled = new();

    /// <summary>
    /// The page as the site's selectors give it: the article's metadata (each part null where no selector matched),
    /// its body (null when no body selector matches anything with text, or with a captioned photo) and the other
    /// pages of the article named by its pager, in page order. Boilerplate lines of the site's anatomy are left out of
    /// the body, and the body ends where the anatomy says the page's footer or sidebar begins.
    /// </summary>
    public RuleReading Read(IDocument document, Uri url, SiteRule rule, SiteAnatomy anatomy)
    {
        var selectors = Compiled(rule);
        var matches = selectors.Page.Match(document);
        var metadata = ReadMetadata(matches, selectors);
        var (body, element) = ReadBody(matches, selectors, url, anatomy);
        return new RuleReading(metadata, body, SiblingPages(document, matches, selectors, url, rule, element))
        {
            BodyElement = element,
            Breadcrumb = selectors.Breadcrumb.Select(s => matches[s]).FirstOrDefault(m => m.Count > 0)?[0],
        };
    }

    /// <summary>Which of the rule's article selectors match something on the page, in the rule's order, by field.</summary>
    public IReadOnlyList<SelectorMatch> MatchSelectors(IDocument document, SiteRule rule)
    {
        var selectors = Compiled(rule);
        var matches = selectors.Page.Match(document);
        var found = new List<SelectorMatch>();
        void Add(string field, IReadOnlyList<string> texts, IReadOnlyList<int> positions)
        {
            for (var i = 0; i < positions.Count; i++) found.Add(new SelectorMatch(field, texts[i], matches[positions[i]].Count > 0));
        }
        Add("title", rule.Article.Title, selectors.Title);
        Add("subtitle", rule.Article.Subtitle, selectors.Subtitle);
        Add("breadcrumb", rule.Article.Breadcrumb, selectors.Breadcrumb);
        Add("info", rule.Article.Info, selectors.Info);
        Add("body", rule.Article.Body, selectors.Body);
        return found;
    }

    private static RuleMetadata ReadMetadata(IReadOnlyList<IElement>[] matches, CompiledRule selectors)
    {
        var title = FirstText(matches, selectors.Title);
        var subtitle = FirstText(matches, selectors.Subtitle);
        if (subtitle == title) subtitle = null;
        var info = new List<string>();
        var seen = new HashSet<IElement>();
        foreach (var selector in selectors.Info)
            foreach (var element in matches[selector])
                if (seen.Add(element) && !seen.Contains(element.ParentElement!))
                {
                    // Most hold their line as plain text; others are read line by line as a reader sees them.
                    if (element.ChildElementCount == 0) info.Add(TextNormalizer.Collapse(element.TextContent));
                    else foreach (var line in PageLines.Read(element).Lines) info.AddRange(line.Parts);
                }
        return new RuleMetadata(title, subtitle, Crumbs(matches, selectors.Breadcrumb), info);
    }

    private (BodyContent? Body, IElement? Element) ReadBody(IReadOnlyList<IElement>[] matches, CompiledRule selectors, Uri url, SiteAnatomy anatomy)
    {
        foreach (var selector in selectors.Body)
        {
            if (matches[selector] is not [var body, ..]) continue;
            // Removed elements are skipped, not cut out: the generic extractor may still need the page as it was. The
            // header's parts found inside the body (a deck, a date line) are no paragraphs either.
            var skipped = new HashSet<IElement>(selectors.Remove.Match(body).SelectMany(found => found));
            foreach (var part in selectors.Header)
                foreach (var element in matches[part])
                    if (element != body && body.Contains(element)) skipped.Add(element);
            var content = bodyReader.Read(body, url, [.. selectors.DropText, .. anatomy.BoilerplateRegexes], skipped, anatomy.BodyEndRegex);
            if (BodyContent.HasArticle(content)) return (content, body);
        }
        return (null, null);
    }

    /// <summary>
    /// The article's other pages, named by the pager's links; where the pager selectors match nothing (a changed
    /// template), by any link to a page of the same article (<c>content_37452825_2.htm</c>) near the body (a pager
    /// stands under it), or anywhere on the page when no selector found the body.
    /// </summary>
    private static List<Uri> SiblingPages(IDocument document, IReadOnlyList<IElement>[] matches, CompiledRule selectors, Uri url, SiteRule rule,
        IElement? body)
    {
        var stem = ArticleStem(url, rule);
        var pages = new SortedDictionary<int, Uri>();
        foreach (var selector in selectors.Pager)
            foreach (var link in matches[selector])
                AddPage(link);
        if (pages.Count == 0 && (body?.ParentElement ?? document.DocumentElement) is { } scope)
        {
            var name = stem[(stem.LastIndexOf('/') + 1)..];
            foreach (var link in Links(scope))
                if (link.GetAttribute("href") is { } href && href.Contains(name, StringComparison.OrdinalIgnoreCase))
                    AddPage(link);
        }
        return pages.Values.ToList();

        void AddPage(IElement link)
        {
            if (link.GetAttribute("href") is not { Length: > 0 } href) return;
            if (!Uri.TryCreate(url, ImageUrl.Encode(href.Trim()), out var target) || target.Scheme is not ("http" or "https")) return;
            target = new UriBuilder(target) { Fragment = "" }.Uri;
            if (!string.Equals(target.Host, url.Host, StringComparison.OrdinalIgnoreCase)) return;
            if (ArticleStem(target, rule) != stem || target.AbsolutePath == url.AbsolutePath) return;
            pages.TryAdd(rule.ContinuationPage(target) ?? 1, target);
        }
    }

    /// <summary>The <c>a</c> elements under <paramref name="root"/>, in document order (a walk over the child node arrays).</summary>
    private static IEnumerable<IElement> Links(IElement root)
    {
        var stack = new Stack<INode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is IElement { LocalName: "a" } link) yield return link;
            var children = node.ChildNodes;
            for (var i = children.Length - 1; i >= 0; i--)
                if (children[i] is IElement) stack.Push(children[i]);
        }
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

    /// <summary>The crumbs after the home crumb of the first breadcrumb matched, or null when none matched.</summary>
    private static IReadOnlyList<string>? Crumbs(IReadOnlyList<IElement>[] matches, IReadOnlyList<int> selectors)
    {
        foreach (var selector in selectors)
        {
            if (matches[selector] is not [var crumbs, ..]) continue;
            // The first crumb is the home page; the last one is the section or topic.
            if (SiteAnatomy.SplitCrumbs(TextNormalizer.Collapse(crumbs.TextContent)) is { Count: > 0 } parts) return parts;
        }
        return null;
    }
}

/// <summary>The article's parts outside its body, as the site's selectors found them.</summary>
/// <param name="Crumbs">The breadcrumb's crumbs after the home crumb; null when no breadcrumb selector matched.</param>
/// <param name="Info">The lines of the elements the info selectors matched (<c>Updated : 2023-11-23</c>, <c>(en.wuxi.gov.cn)</c>).</param>
public sealed record RuleMetadata(string? Title, string? Subtitle, IReadOnlyList<string>? Crumbs, IReadOnlyList<string> Info);

/// <summary>One of a rule's selectors and whether it matched on a page; <c>Field</c> is its group (title, subtitle, breadcrumb, info, body).</summary>
public sealed record SelectorMatch(string Field, string Selector, bool Matched);

/// <summary>What the site's selectors found on a page.</summary>
public sealed record RuleReading(RuleMetadata Metadata, BodyContent? Body, IReadOnlyList<Uri> SiblingPages)
{
    /// <summary>The element the body was read from.</summary>
    public IElement? BodyElement { get; init; }

    /// <summary>The element the breadcrumb was read from: the top of the header zone.</summary>
    public IElement? Breadcrumb { get; init; }
}

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
        Header = [.. Title, .. Subtitle, .. Breadcrumb, .. Info];
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
    /// <summary>The selectors of the parts around the body (title, subtitle, breadcrumb, info).</summary>
    public IReadOnlyList<int> Header { get; }
    /// <summary>Elements of the body left out of it, matched inside the body.</summary>
    public SelectorSet Remove { get; }
    public IReadOnlyList<Regex> DropText { get; }
}
